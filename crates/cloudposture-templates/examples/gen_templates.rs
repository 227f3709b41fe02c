//! Writes the benchmark's directory of templates (1,000 Terraform files in 100 modules,
//! 1,000 CloudFormation templates), e.g. to compare with another scanner on the same
//! files: `cargo run -p cloudposture-templates --example gen_templates -- DIR`.

#[path = "../benches/generate/mod.rs"]
mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(root) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gen_templates DIR");
        return ExitCode::from(2);
    };
    match generate::generate(&root) {
        Ok(()) => {
            println!(
                "{}: {} .tf files in {} modules, {} CloudFormation templates",
                root.display(),
                generate::MODULES * generate::FILES_PER_MODULE,
                generate::MODULES,
                generate::TEMPLATES
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", root.display());
            ExitCode::FAILURE
        }
    }
}
