// Opens cloudposture's HTML report in headless Chromium and checks it against the
// JSON report of the same scan: summary counts, compliance tables, the search box and
// filters, each finding's filled-in remediation snippets, print and no-script views,
// and that attacker-controlled text ran nothing. Takes a screenshot.
//
//   node check-report.mjs REPORT.html REPORT.json SCREENSHOT.png
//
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM). Prints one line per check
// and `N passed, N failed`; exits 1 when a check fails.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [htmlPath, jsonPath, screenshotPath] = process.argv.slice(2);
if (!screenshotPath) {
  console.error('usage: node check-report.mjs REPORT.html REPORT.json SCREENSHOT.png');
  process.exit(2);
}
const report = JSON.parse(readFileSync(jsonPath, 'utf8'));
const url = pathToFileURL(htmlPath).href;
const STATUSES = ['fail', 'error', 'pass', 'skipped', 'muted'];

let passed = 0;
const failed = [];
function check(ok, what, detail) {
  if (ok) {
    passed += 1;
    console.log(`ok - ${what}`);
  } else {
    failed.push(what);
    console.log(`not ok - ${what}${detail === undefined ? '' : `: ${JSON.stringify(detail)}`}`);
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

// What the page's search reads of a finding, from the JSON: the rule, the resource,
// the message, the evidence, the remediation's summary and snippet titles.
function haystack(f) {
  const r = f.resource;
  const tags = Object.entries(r.tags || {}).flat().join(' ');
  const remediation = f.remediation ? [f.remediation.summary, ...f.remediation.snippets.map((s) => s.title)] : [];
  return [f.rule_id, f.title, f.status, f.risk, r.kind, r.id, r.arn || '', tags, f.message,
    JSON.stringify(f.evidence), f.muted_reason || '', ...remediation].join(' ').toLowerCase();
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1500 } });
  const page = await context.newPage();
  const dialogs = [];
  const errors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') { errors.push(m.text()); } });
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(url);
  await page.waitForTimeout(200);

  // ---- the page's own script and style run; nothing else does ----
  check(await page.evaluate(() => document.documentElement.classList.contains('js')), 'the inline script ran (allowed by its hash)');
  check(await page.evaluate(() => getComputedStyle(document.querySelector('.status')).textTransform === 'uppercase'),
    'the inline style sheet applies (allowed by its hash)');
  check(same(await page.evaluate(() => window.__violations), []), 'no Content-Security-Policy violation',
    await page.evaluate(() => window.__violations));
  check(errors.length === 0, 'no script error', errors);

  const seeded = report.findings.filter((f) => /[<>"]/.test((f.resource.tags || {}).Name || ''));
  check(seeded.length >= 2, 'the report has findings about the seeded VPC names', seeded.length);
  check(await page.evaluate(() => document.querySelectorAll('script').length) === 1, 'the only script element is the page\'s own');
  check(await page.evaluate(() => document.querySelectorAll('img, iframe, object, embed').length) === 0, 'no injected element (img, iframe, object, embed)');
  const names = await page.$$eval('article.finding .name', (els) => els.map((e) => e.textContent));
  for (const name of new Set(seeded.map((f) => f.resource.tags.Name))) {
    check(names.includes(name), `the seeded name ${name} shows as text`);
  }

  // ---- header ----
  const complete = report.summary.error === 0 && report.scan.regions.every((r) => r.status === 'ok');
  const banner = await page.textContent('#completeness');
  check(banner.startsWith(complete ? 'Complete scan' : 'Incomplete scan'), 'the header says in words whether the scan is complete', banner);
  for (const r of report.scan.regions.filter((r) => r.status === 'error')) {
    check(banner.includes(r.error), `the header gives why ${r.name} could not be read`);
  }
  check((await page.textContent('#account')) === report.scan.account, 'the header names the account');

  // ---- summary ----
  for (const status of STATUSES) {
    const shown = await page.textContent(`#by-status tr[data-status=${status}] td`);
    check(Number(shown) === report.summary[status], `summary: ${status} ${report.summary[status]}`, shown);
  }
  check(Number(await page.textContent('#by-status [data-total]')) === report.summary.total, `summary: total ${report.summary.total}`);
  const risks = await page.$$eval('#by-risk tbody tr[data-risk]', (rows) => Object.fromEntries(rows.map((tr) => [
    tr.getAttribute('data-risk'),
    Object.fromEntries([...tr.querySelectorAll('td[data-count]')].map((td) => [td.getAttribute('data-count'), Number(td.textContent)])),
  ])));
  const expectedRisks = Object.fromEntries(Object.entries(report.summary.by_risk).map(([risk, n]) => [risk, Object.fromEntries(STATUSES.map((s) => [s, n[s]]))]));
  check(same(Object.keys(risks).sort(), Object.keys(expectedRisks).sort()) && Object.keys(risks).every((k) => same(risks[k], expectedRisks[k])),
    'summary by risk matches the JSON', { page: risks, json: expectedRisks });

  // ---- compliance ----
  const tables = await page.$$eval('table.compliance', (ts) => ts.map((t) => ({
    standard: t.getAttribute('data-standard'),
    version: t.getAttribute('data-version'),
    rows: [...t.querySelectorAll('tbody tr')].map((tr) => ({
      id: tr.getAttribute('data-control'),
      notCovered: tr.classList.contains('not-covered'),
      counts: Object.fromEntries([...tr.querySelectorAll('td[data-count]')].map((td) => [td.getAttribute('data-count'), Number(td.textContent)])),
    })),
  })));
  check(tables.length >= 1, 'there is a compliance table', tables.length);
  for (const t of tables) {
    const label = `${t.standard} ${t.version}`;
    const checked = t.rows.filter((r) => !r.notCovered);
    check(checked.length > 0 && t.rows.some((r) => r.notCovered), `${label}: controls checked and controls not covered`);
    for (const row of checked) {
      const c = report.summary.by_control.find((c) => c.standard === t.standard && c.version === t.version && c.id === row.id)
        || { pass: 0, fail: 0, error: 0 };
      check(same(row.counts, { pass: c.pass, fail: c.fail, error: c.error }), `${label} ${row.id}: pass/fail/error as in the JSON`, { page: row.counts, json: c });
    }
  }

  // ---- findings, search and filters ----
  const visible = () => page.locator('article.finding:visible').count();
  const total = report.findings.length;
  check(await page.locator('article.finding').count() === total, `${total} findings on the page`);
  check(await visible() === total, 'all findings shown at first');
  const term = report.findings.find((f) => f.status === 'fail').resource.id;
  const expected = report.findings.filter((f) => haystack(f).includes(term.toLowerCase())).length;
  await page.fill('#search', term);
  check(await visible() === expected && expected < total, `search ${term}: ${expected} findings shown`, await visible());
  check((await page.textContent('#shown')) === `${expected} of ${total} findings shown`, 'the count of findings shown follows the search', await page.textContent('#shown'));
  await page.fill('#search', 'no-such-resource-anywhere');
  check(await visible() === 0 && await page.locator('#no-match').isVisible(), 'a search that matches nothing says so');
  await page.fill('#search', '');
  for (const status of STATUSES.filter((s) => s !== 'fail')) {
    const box = page.locator(`#filters input[name=status][value=${status}]`);
    if (await box.count()) { await box.uncheck(); }
  }
  check(await visible() === report.summary.fail, `status filter fail only: ${report.summary.fail} shown`, await visible());
  const riskOfFails = [...new Set(report.findings.filter((f) => f.status === 'fail').map((f) => f.risk))];
  await page.locator(`#filters input[name=risk][value=${riskOfFails[0]}]`).uncheck();
  const failsLeft = report.findings.filter((f) => f.status === 'fail' && f.risk !== riskOfFails[0]).length;
  check(await visible() === failsLeft, `and without risk ${riskOfFails[0]}: ${failsLeft} shown`, await visible());
  check(await page.locator('section.rule:visible').count() === new Set(report.findings.filter((f) => f.status === 'fail' && f.risk !== riskOfFails[0]).map((f) => f.rule_id)).size,
    'rules with no finding shown are hidden');
  await page.reload();
  check(await visible() === total, 'all findings shown again after a reload');

  // ---- each finding's snippets, filled in from the rule's templates ----
  const filled = await page.evaluate(async () => {
    document.querySelectorAll('details.remediation').forEach((d) => { d.open = true; });
    await new Promise((r) => setTimeout(r, 100));
    return [...document.querySelectorAll('article.finding')].filter((a) => a.querySelector('details.remediation')).map((a) => ({
      rule: a.closest('section.rule').getAttribute('data-rule').split(' ')[0],
      id: a.getAttribute('data-id'),
      region: a.getAttribute('data-region'),
      snippets: [...a.querySelectorAll('ul.uses > li')].map((li) => ({ title: li.querySelector('a').textContent, content: li.querySelector('code.filled')?.textContent })),
    }));
  });
  const withRemediation = report.findings.filter((f) => f.remediation);
  let matching = 0;
  for (const f of withRemediation) {
    const shown = filled.find((x) => x.rule === f.rule_id && x.id === f.resource.id && x.region === f.resource.region);
    const want = f.remediation.snippets.map((s) => ({ title: s.title, content: s.content }));
    if (shown && same(shown.snippets, want)) { matching += 1; } else { check(false, `snippets of ${f.rule_id} ${f.resource.id}`, { shown, want }); }
  }
  check(withRemediation.length > 0 && matching === withRemediation.length, `every finding's snippets (${matching}) read exactly as in the JSON once filled in`);
  await page.reload();
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const first = withRemediation.find((f) => f.remediation.snippets.length > 0);
  const article = page.locator(`article.finding[data-id="${first.resource.id}"][data-region="${first.resource.region}"]`).first();
  check(await article.locator('button.copy').count() === 0, 'a finding\'s Copy buttons appear when its remediation opens');
  await article.locator('details.remediation > summary').click();
  await article.locator('ul.uses > li button.copy').first().click();
  await page.waitForTimeout(100);
  const copied = await page.evaluate(() => navigator.clipboard.readText()).catch((e) => `(clipboard: ${e.message})`);
  check(copied === first.remediation.snippets[0].content, 'Copy puts the finding\'s own snippet on the clipboard', copied);

  // ---- printed: details open, no controls ----
  await page.reload();
  await page.emulateMedia({ media: 'print' });
  check(!(await page.locator('#filters').isVisible()) && await page.locator('button.copy:visible').count() === 0, 'printed: no search box, filters or buttons');
  check(await page.locator('details.evidence pre').first().isVisible(), 'printed: closed details show their content');
  await page.emulateMedia({ media: 'screen' });

  check(dialogs.length === 0, 'no dialog opened (the seeded alert(1) never ran)', dialogs);

  // ---- the screenshot, of the page as it opens ----
  const fresh = await context.newPage();
  await fresh.goto(url);
  await fresh.screenshot({ path: screenshotPath });
  await fresh.close();
  console.log(`screenshot: ${screenshotPath}`);

  // ---- with scripts off, everything is there and nothing pretends to work ----
  const still = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const plain = await still.newPage();
  await plain.goto(url);
  check(await plain.locator('article.finding:visible').count() === total, 'scripts off: every finding is shown');
  check(!(await plain.locator('#filters').isVisible()) && await plain.locator('button.copy:visible').count() === 0, 'scripts off: no controls that would do nothing');
  check(await plain.locator('details.snippet code.template').count() > 0, 'scripts off: the rules\' snippets are readable');
  await still.close();
} finally {
  await browser.close();
}

console.log(`${passed} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
