"""The report page: one Jinja2 template with its CSS inline, rendered with autoescaping on.

The page loads nothing: figures are ``data:`` URIs, the style sheet is in the page, there is no
script, and links only point within the page. Every text from a model or an alignment goes through
autoescaping (nothing is marked ``|safe``). The page carries its own Content Security Policy
(:data:`CONTENT_SECURITY_POLICY`, in a ``<meta>`` element, and for a server to send as a header):
nothing but its own style sheet (by hash) and ``data:`` images may load, so not even text that
escaped escaping could run. The template lives in this module rather than in a
package data file so that it ships with the code wherever the code is installed.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from typing import Final

import jinja2

__all__ = ["CONTENT_SECURITY_POLICY", "TEMPLATE", "environment"]

_CSS: Final = """
:root { --ink: #1d2430; --muted: #5b6575; --line: #d8dde5; --band: #f5f7fa; --accent: #4c72b0; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1400px; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
p, li { max-width: 70rem; }
.muted, figcaption { color: var(--muted); }
nav a { margin-right: 1rem; color: var(--accent); }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: .75rem 0; }
dl.summary dt { color: var(--muted); }
dl.summary dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: var(--band); position: sticky; top: 0; }
tbody tr:nth-child(even) { background: #fbfcfd; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .id { font: 11px/1.3 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; color: var(--muted);
            overflow-wrap: anywhere; }
meter { display: block; width: 4.5rem; height: .6rem; margin: 3px 0 0 auto; }
.status { font-size: 12px; padding: 0 .4rem; border-radius: .6rem; background: var(--band); }
.status.accepted { background: #dff0d8; } .status.rejected { background: #f8d7da; }
figure { margin: .5rem 0 1rem; }
figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }
.note { background: #fff8e1; border-left: 3px solid #f0b400; padding: .4rem .75rem; }
"""

CONTENT_SECURITY_POLICY: Final = (
    "default-src 'none'; img-src data:; "
    f"style-src 'sha256-{base64.b64encode(hashlib.sha256(_CSS.encode()).digest()).decode()}'; "
    "base-uri 'none'; form-action 'none'"
)
"""What the page may load: its own style element and embedded images, nothing else."""

TEMPLATE: Final = (
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Tolka">
<meta http-equiv="Content-Security-Policy" content="{{ csp }}">
<title>{{ title }}</title>
<style>"""
    + _CSS
    + """</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<dl class="summary">
  <dt>source model</dt><dd>{{ source_name }}</dd>
  <dt>target model</dt><dd>{{ target_name }}</dd>
  <dt>correspondences</dt>
  <dd>{{ rows | length }}{% if statuses %} ({{ statuses | join(", ") }}){% endif %}</dd>
  {% if lag is not none %}<dt>clock lag</dt>
  <dd>the target clock runs {{ "%+.1f" | format(lag) }} s behind the source's</dd>{% endif %}
  {% for key, value in details %}<dt>{{ key }}</dt><dd>{{ value }}</dd>{% endfor %}
</dl>
<nav>
  <a href="#mapping">mapping table</a>
  {% if heatmap_png %}<a href="#heatmap">similarity heatmap</a>{% endif %}
  <a href="#confidence">confidence histogram</a>
  {% if learned %}<a href="#series">time series</a>{% endif %}
  {% if notes %}<a href="#notes">notes</a>{% endif %}
</nav>
</header>

<section id="mapping">
<h2>Mapping table</h2>
{% if rows %}
<table>
<thead><tr><th>#</th><th>source</th><th>target</th><th>confidence</th><th>status</th><th>justification</th>
<th>comment</th><th>units</th></tr></thead>
<tbody>
{% for row in rows %}
<tr class="correspondence">
  <td class="num">{{ loop.index }}</td>
  {% for side in (row.source, row.target) %}
  <td><strong>{{ side.label }}</strong> <span class="muted">{{ side.kind }}</span>
    <br><span class="id">{{ side.id }}</span></td>
  {% endfor %}
  <td class="num">{{ "%.3f" | format(row.confidence) }}
    <meter min="0" max="1" value="{{ row.confidence }}"></meter></td>
  <td><span class="status {{ row.status }}">{{ row.status }}</span>
    {% if row.predicate != "skos:exactMatch" %}<br><code>{{ row.predicate }}</code>{% endif %}</td>
  <td title="{{ row.justification }}">{{ row.justification.rpartition(":")[2] }}</td>
  <td>{{ row.comment }}</td>
  <td>{% if row.source.unit or row.target.unit %}
    {{ row.source.unit or "–" }} → {{ row.target.unit or "–" }}{% endif %}</td>
</tr>
{% endfor %}
</tbody>
</table>
{% else %}
<p class="note">The alignment holds no correspondence.</p>
{% endif %}
</section>

{% if heatmap_png %}
<section id="heatmap">
<h2>Similarity heatmap</h2>
<figure>
<img src="data:image/png;base64,{{ heatmap_png }}"
  alt="Scores of the best candidates, sources against targets">
<figcaption>Scores of the ranked candidates: each source's {{ per_source }} best targets and the target
the alignment chose (boxed in red); grey cells are no candidate.{% if learned %} These are the schema
matcher's scores, before the recordings were weighed: a boxed grey cell is a pair only the data
found.{% endif %}</figcaption>
</figure>
{% if heatmap_capped %}<p class="note">{{ heatmap_capped }}</p>{% endif %}
</section>
{% elif heatmap_missing %}
<section id="heatmap"><h2>Similarity heatmap</h2><p class="muted">{{ heatmap_missing }}</p></section>
{% endif %}

<section id="confidence">
<h2>Confidence histogram</h2>
<figure>
<img src="data:image/png;base64,{{ histogram_png }}" alt="Histogram of the correspondences' confidences">
<figcaption>How the confidences of the correspondences are spread{% if candidate_count %}, beside the
scores of all {{ candidate_count }} ranked candidates{% if learned %} (the schema matcher's, before the
recordings were weighed){% endif %}{% endif %}.</figcaption>
</figure>
</section>

{% if learned %}
<section id="series">
<h2>Time series after conversion</h2>
{% if overlay_pngs %}
<p>Each learned pair that the recordings decided: the target field (wide, blue) and the source field
after the fitted conversion, moved onto the target's clock (thin, orange). Where the translator is
right, the two lines lie on top of each other.</p>
{% for png in overlay_pngs %}
<figure><img src="data:image/png;base64,{{ png }}"
  alt="Target and converted source time series, part {{ loop.index }}"></figure>
{% endfor %}
{% endif %}
{% for line in series %}<p class="{{ 'muted' if overlay_pngs else 'note' }}">{{ line }}</p>{% endfor %}
</section>
{% endif %}

{% if notes %}
<section id="notes">
<h2>Notes</h2>
<ul>{% for note in notes %}<li>{{ note }}</li>{% endfor %}</ul>
</section>
{% endif %}

<footer><p class="muted">Written by Tolka.</p></footer>
</body>
</html>
"""
)


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report: autoescaping on, undefined names an error."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
