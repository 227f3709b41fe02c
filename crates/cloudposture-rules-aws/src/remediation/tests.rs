use super::*;

const AWKWARD: [&str; 4] = [
    "plain-value/1",
    "<PLACEHOLDER>",
    "a \"b\" \\ ${c} %{d} 'e' <f>\n\tg",
    "",
];

#[test]
fn cli_words_survive_the_shell() {
    for value in AWKWARD {
        let cmd = CliCommand::aws("ec2", "create-flow-logs").arg("--log-group-name", value);
        let expected = ["aws", "ec2", "create-flow-logs", "--log-group-name", value];
        assert_eq!(shell_words::split(&cmd.to_line()).unwrap(), expected, "{value:?}");
        assert_eq!(
            shell_words::split(&cmd.to_multiline()).unwrap(),
            expected,
            "{value:?}"
        );
        assert_eq!(cmd.argv(), expected);
    }
}

#[test]
fn cloudformation_values_survive_yaml_and_json() {
    for value in AWKWARD {
        let template = CfnTemplate::new(value)
            .comment(format!("two\nlines {value}"))
            .resource("R", "AWS::EC2::FlowLog", [("LogGroupName", value.into())]);
        for text in [template.to_yaml(), template.to_json()] {
            let doc: serde_norway::Value = serde_norway::from_str(&text).unwrap();
            assert_eq!(doc["Description"], value, "{text}");
            assert_eq!(
                doc["Resources"]["R"]["Properties"]["LogGroupName"], value,
                "{text}"
            );
            assert_eq!(doc["AWSTemplateFormatVersion"], "2010-09-09", "{text}");
        }
    }
}

#[test]
fn cloudformation_keeps_the_order_given() {
    let yaml = CfnTemplate::new("d")
        .resource("B", "T", [("Z", "1".into()), ("A", "2".into())])
        .resource("A", "T", [("M", "3".into())])
        .to_yaml();
    let order: Vec<usize> = [
        "AWSTemplateFormatVersion",
        "Description",
        "B:",
        "Z:",
        "A: ",
        "A:\n",
    ]
    .iter()
    .map(|k| yaml.find(k).unwrap())
    .collect();
    assert!(order.is_sorted(), "{yaml}");
}

#[test]
fn terraform_strings_survive_hcl() {
    for value in AWKWARD {
        let text = TerraformConfig::new()
            .comment("a comment")
            .resource("aws_flow_log", "x", [("log_group_name", value)])
            .to_hcl();
        let body = hcl::parse(&text).unwrap();
        let block = body.blocks().next().unwrap();
        let expr = block.body().attributes().next().unwrap().expr().clone();
        let evaluated = hcl::eval::Evaluate::evaluate(&expr, &hcl::eval::Context::new()).unwrap();
        assert_eq!(evaluated, hcl::Value::from(value), "{text}");
    }
}

#[test]
fn names_are_made_of_allowed_characters() {
    assert_eq!(cfn_logical_id("FlowLog", "vpc-0abc"), "FlowLogVpc0abc");
    assert_eq!(cfn_logical_id("FlowLog", "vpc-0a_b--c"), "FlowLogVpc0abC");
    assert_eq!(terraform_name("vpc-0abc"), "vpc_0abc");
}

#[test]
fn policies_write_one_value_as_a_string_and_conditions_sorted() {
    let policy = PolicyDocument::new(vec![
        Statement::allow(["sts:AssumeRole"])
            .for_service("vpc-flow-logs.amazonaws.com")
            .when("StringEquals", "aws:SourceAccount", "123456789012")
            .when("ArnLike", "aws:SourceArn", "arn:aws:ec2:*"),
        Statement::allow(["logs:A", "logs:B"]).sid("S").on(["r"]),
    ]);
    let json: serde_json::Value = serde_json::from_str(&policy.to_json()).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "vpc-flow-logs.amazonaws.com"},
                 "Action": "sts:AssumeRole",
                 "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ec2:*"},
                               "StringEquals": {"aws:SourceAccount": "123456789012"}}},
                {"Sid": "S", "Effect": "Allow", "Action": ["logs:A", "logs:B"], "Resource": "r"},
            ]
        })
    );
    let text = policy.to_json();
    assert!(text.find("ArnLike").unwrap() < text.find("StringEquals").unwrap());
}
