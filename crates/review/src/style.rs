//! The stylesheet and the one script of the site, inlined into every page (no network, works
//! from `file://`).

/// The stylesheet: a system CJK font stack, tabular right-aligned numbers, one colour per cell
/// status, failed-check cells outlined.
pub const CSS: &str = r#"
:root{--ink:#1d2329;--muted:#5d6873;--line:#d5dbe1;--head:#eef2f5;--fail:#c62828;--warn:#b26a00;}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;color:var(--ink);margin:0 auto;max-width:1200px;padding:16px 24px;line-height:1.6;font-size:15px;}
h1{font-size:24px;margin:8px 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}h3{font-size:16px;margin:18px 0 6px}
a{color:#0b57a4}nav{margin:4px 0 12px;color:var(--muted)}nav a{margin-right:14px}
table{border-collapse:collapse;margin:6px 0 12px}th,td{border:1px solid var(--line);padding:3px 7px;vertical-align:middle}
th{background:var(--head);font-weight:600;text-align:center}
.t3 thead th,.t4 thead th{white-space:nowrap}.t3 td.label{min-width:16em}.t3 thead th.corner{white-space:normal;max-width:20em;font-weight:400;font-size:13px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.label{text-align:left}td.sub{padding-left:2.2em}tr.group td{background:#f7f9fa;font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-all}
td[data-key]{min-width:3.2em;text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.blank{background:#f4f4f4;color:#9aa3ab}td.dash{background:#eef4ff;color:#4a6a9a}
td.missing{background:#fde8e8;color:var(--fail);font-style:italic}td.ambiguous{background:#fff3d6;color:var(--warn)}
td.failed{outline:2px solid var(--fail);outline-offset:-2px}
.legend span{display:inline-block;padding:0 8px;margin-right:6px;border:1px solid var(--line)}
ul.checks li.fail{color:var(--fail)}ul.warnings li{color:var(--warn)}
.chart text{font-size:12px;fill:var(--ink)}.chart .axis{fill:var(--muted)}
.stats td,.stats th{font-variant-numeric:tabular-nums}
input.filter{font:inherit;padding:4px 8px;width:22em;margin:6px 12px 6px 0}
table.list th{cursor:pointer;user-select:none}table.list th[data-sort]::after{content:" ↕";color:var(--muted)}
.muted{color:var(--muted)}
"#;

/// The report list's script: filter rows by text, sort by a clicked column (numbers as numbers).
/// It marks `<body data-ready="1">` when it has run, which the browser test reads.
pub const LIST_SCRIPT: &str = r#"
(function(){
  var table=document.getElementById('report-list');
  var body=table.tBodies[0];
  var rows=Array.prototype.slice.call(body.rows);
  function filter(){
    var q=document.getElementById('filter-text').value.trim().toLowerCase();
    var failedOnly=document.getElementById('filter-failed').checked;
    rows.forEach(function(r){
      var show=(!q||r.textContent.toLowerCase().indexOf(q)>=0)&&(!failedOnly||Number(r.dataset.failed)>0);
      r.style.display=show?'':'none';
    });
  }
  document.getElementById('filter-text').addEventListener('input',filter);
  document.getElementById('filter-failed').addEventListener('change',filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells,function(th,i){
    var ascending=true;
    th.addEventListener('click',function(){
      var numeric=th.dataset.sort==='number';
      rows.sort(function(a,b){
        var x=a.cells[i].dataset.sortValue||a.cells[i].textContent;
        var y=b.cells[i].dataset.sortValue||b.cells[i].textContent;
        var c=numeric?(Number(x)-Number(y)):x.localeCompare(y,'zh-CN');
        return ascending?c:-c;
      });
      ascending=!ascending;
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
  document.body.dataset.ready='1';
})();
"#;
