// The page reads completely without this script. It adds the search box and the
// filters, and fills in each finding's remediation snippets (written once per rule,
// with placeholders) to show and copy them. It reads and writes text only: nothing
// from the report is ever parsed as HTML.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  var findings = Array.prototype.slice.call(document.querySelectorAll('article.finding'));
  var total = findings.length;
  var haystacks = findings.map(function (f) {
    var rule = f.closest('section.rule');
    return ((rule ? rule.getAttribute('data-rule') + ' ' : '') + f.textContent).toLowerCase();
  });
  var form = document.getElementById('filters');
  var search = document.getElementById('search');
  var shown = document.getElementById('shown');
  var noMatch = document.getElementById('no-match');

  function checked(name) {
    var values = {};
    form.querySelectorAll('input[name=' + name + ']').forEach(function (box) {
      if (box.checked) { values[box.value] = true; }
    });
    return values;
  }

  function apply() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var statuses = checked('status');
    var risks = checked('risk');
    var visible = 0;
    findings.forEach(function (f, i) {
      var show = statuses[f.getAttribute('data-status')] && risks[f.getAttribute('data-risk')] &&
        words.every(function (w) { return haystacks[i].indexOf(w) !== -1; });
      f.hidden = !show;
      if (show) { visible += 1; }
    });
    document.querySelectorAll('section.scope, section.rule').forEach(function (s) {
      s.hidden = !s.querySelector('article.finding:not([hidden])');
    });
    shown.textContent = visible + ' of ' + total + ' findings shown';
    noMatch.hidden = visible !== 0 || total === 0;
  }

  if (form) {
    form.hidden = false;
    form.addEventListener('input', apply);
    form.addEventListener('submit', function (e) { e.preventDefault(); });
  }

  function valueOf(finding, name) {
    if (name === 'id-suffix') {
      var id = finding.getAttribute('data-id') || '';
      return id.slice(id.indexOf('-') + 1);
    }
    return finding.getAttribute('data-' + name);
  }

  // The text of a template, its placeholders filled with `finding`'s values (or left
  // as written without a finding).
  function fill(template, finding) {
    var text = '';
    template.childNodes.forEach(function (node) {
      var name = node.nodeType === 1 ? node.getAttribute('data-p') : null;
      var value = name && finding ? valueOf(finding, name) : null;
      text += value !== null ? value : node.textContent;
    });
    return text;
  }

  // The template a finding's snippet item links to.
  function snippetOf(item) {
    var link = item.querySelector('a[href^="#snippet-"]');
    var anchor = link && document.getElementById(link.getAttribute('href').slice(1));
    return anchor && anchor.querySelector('code.template');
  }

  function copyButton() {
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'copy';
    button.textContent = 'Copy';
    return button;
  }
  // Buttons only where a script can make them work: none in the page as written.
  document.querySelectorAll('details.snippet > pre').forEach(function (pre) {
    pre.parentNode.insertBefore(copyButton(), pre);
  });

  // A finding's own snippets appear under their links when its remediation opens,
  // each with a Copy button.
  function showFilled(details) {
    var finding = details.closest('article.finding');
    details.querySelectorAll('ul.uses > li').forEach(function (item) {
      var template = snippetOf(item);
      if (!template || item.querySelector('pre')) { return; }
      var pre = document.createElement('pre');
      var code = document.createElement('code');
      code.className = 'filled';
      code.textContent = fill(template, finding);
      pre.appendChild(code);
      item.appendChild(copyButton());
      item.appendChild(pre);
    });
  }
  document.querySelectorAll('details.remediation').forEach(function (d) {
    d.addEventListener('toggle', function () { if (d.open) { showFilled(d); } });
  });

  function copy(text, button) {
    var done = function () { button.textContent = 'Copied'; setTimeout(function () { button.textContent = 'Copy'; }, 1500); };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, function () { button.textContent = 'Copy failed'; });
    } else {
      button.textContent = 'Copy failed';
    }
  }
  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('button.copy');
    if (!button) { return; }
    var item = button.closest('ul.uses > li');
    if (item) {
      var template = snippetOf(item);
      if (template) { copy(fill(template, button.closest('article.finding')), button); }
    } else {
      var code = button.parentNode.querySelector('code.template');
      if (code) { copy(fill(code, null), button); }
    }
  });

  // Printed, every detail is open and every finding shows its own snippets.
  var opened = [];
  window.addEventListener('beforeprint', function () {
    document.querySelectorAll('details:not([open])').forEach(function (d) {
      d.open = true;
      opened.push(d);
      if (d.classList.contains('remediation')) { showFilled(d); }
    });
  });
  window.addEventListener('afterprint', function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
