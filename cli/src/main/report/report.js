
'use strict';
// Draws memdiff's HTML report from the JSON document embedded above (the same document as --format json).
// Every name from the dump goes into the page as text (textContent, setAttribute), never as markup.
(function () {
  const data = JSON.parse(document.getElementById('memdiff-data').textContent);
  const SVG = 'http://www.w3.org/2000/svg';
  const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  const findingsByKey = new Map(data.findings.map(f => [f.key, f]));
  const sitesByKey = new Map(data.sites.map(s => [s.key, s]));
  const dumpCount = data.dumps.length;

  // Control characters shown escaped, as the text output shows them, so a name stays on one line.
  function shown(s) {
    if (s === null || s === undefined) {
      return '';
    }
    return String(s).replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, c => {
      if (c === '\n') return '\\n';
      if (c === '\r') return '\\r';
      if (c === '\t') return '\\t';
      return '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');
    });
  }

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      e.setAttribute(name, value);
    }
    for (const c of children) {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      e.setAttribute(name, String(value));
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    return e;
  }

  function signed(n) {
    return (n >= 0 ? '+' : '') + n;
  }

  // As the text output's --human: 1023 B, 1.5 MiB.
  function human(bytes) {
    let v = Math.abs(bytes);
    if (v < 1024) {
      return bytes + ' B';
    }
    let u = 0;
    while (v >= 1024 && u < UNITS.length - 1) {
      v /= 1024;
      u++;
    }
    return (bytes < 0 ? '-' : '') + v.toFixed(1) + ' ' + UNITS[u];
  }

  function signedBytes(n) {
    return (n >= 0 ? '+' : '') + human(n);
  }

  function ownerOf(site) {
    const f = findingsByKey.get(site.finding);
    return f && f.owner ? f.owner : '';
  }

  // The worst aspect ratio of a row of areas laid along a side of length `side` (squarified treemaps).
  function worst(row, side) {
    const sum = row.reduce((a, r) => a + r.area, 0);
    const max = Math.max(...row.map(r => r.area));
    const min = Math.min(...row.map(r => r.area));
    return Math.max(side * side * max / (sum * sum), sum * sum / (side * side * min));
  }

  // Bruls, Huizing and van Wijk's squarified layout: rows of boxes whose sides stay close to square.
  function squarify(items, x, y, w, h) {
    const total = items.reduce((a, i) => a + i.weight, 0);
    let rest = items.slice().sort((a, b) => b.weight - a.weight)
        .map(item => ({ item, area: item.weight * w * h / total }));
    const cells = [];
    while (rest.length > 0 && w > 0 && h > 0) {
      const side = Math.min(w, h);
      const row = [rest[0]];
      let i = 1;
      while (i < rest.length && worst(row.concat([rest[i]]), side) <= worst(row, side)) {
        row.push(rest[i]);
        i++;
      }
      const rowArea = row.reduce((a, r) => a + r.area, 0);
      if (w >= h) {
        const width = rowArea / h;
        let top = y;
        for (const r of row) {
          const height = r.area / width;
          cells.push({ item: r.item, x, y: top, w: width, h: height });
          top += height;
        }
        x += width;
        w -= width;
      } else {
        const height = rowArea / w;
        let left = x;
        for (const r of row) {
          const width = r.area / height;
          cells.push({ item: r.item, x: left, y, w: width, h: height });
          left += width;
        }
        y += height;
        h -= height;
      }
      rest = rest.slice(i);
    }
    return cells;
  }

  function place(e, cell) {
    e.style.left = cell.x + 'px';
    e.style.top = cell.y + 'px';
    e.style.width = Math.max(0, cell.w) + 'px';
    e.style.height = Math.max(0, cell.h) + 'px';
  }

  const LABEL_HEIGHT = 20;
  const BORDER = 2;

  function drawTreemap() {
    const box = document.getElementById('treemap');
    box.replaceChildren();
    const growing = data.findings.filter(f => f.growth_bytes > 0).map(f => ({ f, weight: f.growth_bytes }));
    if (growing.length === 0) {
      box.append(el('div', { class: 'empty' }, 'No finding grew in bytes.'));
      return;
    }
    for (const cell of squarify(growing, 0, 0, box.clientWidth, box.clientHeight)) {
      const f = cell.item.f;
      const owner = f.owner ? '  held by ' + shown(f.owner) : '';
      const label = shown(f['class']) + '  ' + signedBytes(f.growth_bytes) + owner;
      const findingBox = el('div', { class: 'tm-finding shape-' + f.shape, 'data-finding': f.key, title: f.shape + '  ' + label },
          el('div', { class: 'tm-label' }, label));
      place(findingBox, cell);
      findingBox.addEventListener('click', () => select(f.headline));
      const sites = f.sites.map(k => sitesByKey.get(k)).filter(Boolean);
      const anyGrew = sites.some(s => s.growth_bytes > 0);
      const items = sites.filter(s => !anyGrew || s.growth_bytes > 0)
          .map(s => ({ s, weight: anyGrew ? s.growth_bytes : 1 }));
      const innerW = cell.w - 2 * BORDER;
      const innerH = cell.h - 2 * BORDER - LABEL_HEIGHT;
      if (innerW > 4 && innerH > 4 && items.length > 0) {
        for (const inner of squarify(items, 0, LABEL_HEIGHT, innerW, innerH)) {
          const s = inner.item.s;
          const siteBox = el('div', { class: 'tm-site', 'data-key': s.key,
              title: shown(s['class']) + '  ' + signedBytes(s.growth_bytes) + ' own  ' + shown(s.site) },
              shown(s['class']));
          place(siteBox, inner);
          siteBox.addEventListener('click', e => {
            e.stopPropagation();
            select(s.key);
          });
          findingBox.append(siteBox);
        }
      }
      box.append(findingBox);
    }
  }

  // A site's counts across the dumps as a line over a zero baseline.
  function sparkline(counts, width, height) {
    const max = Math.max(1, ...counts);
    const pad = 3;
    const step = counts.length > 1 ? (width - 2 * pad) / (counts.length - 1) : 0;
    const points = counts.map((c, i) => [pad + i * step, height - pad - (height - 2 * pad) * c / max]);
    const e = svg('svg', { class: 'spark', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    e.append(svg('title', {}, 'counts ' + counts.join(',')));
    e.append(svg('polyline', { points: points.map(p => p.join(',')).join(' ') }));
    for (const [x, y] of points) {
      e.append(svg('circle', { cx: x, cy: y, r: 2 }));
    }
    return e;
  }

  // The same, larger, with each dump's number below and its count above.
  function chart(counts) {
    const width = 80 + 90 * counts.length;
    const height = 150;
    const left = 40;
    const top = 22;
    const bottom = height - 24;
    const max = Math.max(1, ...counts);
    const step = counts.length > 1 ? (width - left - 40) / (counts.length - 1) : 0;
    const e = svg('svg', { class: 'chart', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    e.append(svg('title', {}, 'counts per dump ' + counts.join(',')));
    e.append(svg('line', { x1: left, y1: bottom, x2: width - 20, y2: bottom }));
    const points = counts.map((c, i) => [left + i * step, bottom - (bottom - top) * c / max]);
    e.append(svg('polyline', { points: points.map(p => p.join(',')).join(' ') }));
    points.forEach(([x, y], i) => {
      e.append(svg('circle', { cx: x, cy: y, r: 3 }));
      e.append(svg('text', { x, y: y - 7, 'text-anchor': 'middle' }, String(counts[i])));
      e.append(svg('text', { x, y: height - 6, 'text-anchor': 'middle' }, 'dump ' + (i + 1)));
    });
    return e;
  }

  function fillPath(list, steps) {
    list.replaceChildren();
    if (steps.length === 0) {
      list.append(el('li', { class: 'none' }, 'no path (--no-paths, or no GC root reaches it)'));
    }
    for (const step of steps) {
      list.append(el('li', {}, el('span', { class: 'edge' }, shown(step.edge)), '  ', shown(step['class'])));
    }
  }

  function fillStacks(box, stacks) {
    box.replaceChildren();
    if (!stacks || stacks.length === 0) {
      box.append(el('p', { class: 'none' },
          'none: allocation stacks come from a recording beside each dump (k.jfr beside k.hprof; memdiff capture writes both)'));
      return;
    }
    for (const stack of stacks) {
      const frames = stack.frames.map(frame => el('div', { class: 'frame' }, shown(frame)));
      box.append(el('div', { class: 'stack' },
          el('div', {}, stack.samples + (stack.samples === 1 ? ' sample' : ' samples')), ...frames));
    }
  }

  function select(key) {
    const s = sitesByKey.get(key);
    if (!s) {
      return;
    }
    const f = findingsByKey.get(s.finding);
    document.getElementById('details').hidden = false;
    document.getElementById('details-title').textContent = shown(s['class']);
    const facts = document.getElementById('details-facts');
    facts.replaceChildren();
    const fact = (name, value) => facts.append(el('dt', {}, name), el('dd', {}, value));
    fact('site', shown(s.site));
    fact('shape', s.shape);
    fact('objects', signed(s.growth_objects) + '  (counts ' + s.counts.join(', ') + ')');
    fact('own bytes', signedBytes(s.growth_bytes) + '  (' + s.shallow_bytes.join(', ') + ')');
    fact('retained bytes', signedBytes(s.growth_retained_bytes) + '  (' + s.retained_bytes.join(', ') + ')');
    fact('reachability', s.reachability);
    if (f) {
      fact('finding', f.shape + '  ' + shown(f['class']) + '  ' + signedBytes(f.growth_bytes)
          + (f.baseline ? '  (baseline)' : ''));
    }
    if (s.examples.length > 0) {
      fact('examples', s.examples.join(', ') + '  (memdiff path DUMP --id ' + s.examples.join(',') + ')');
    }
    document.getElementById('details-chart').replaceChildren(chart(s.counts));
    fillPath(document.getElementById('details-path'), s.path);
    document.getElementById('details-owner-title').textContent = f && f.owner ? 'Held by ' + shown(f.owner) : 'Held by';
    fillPath(document.getElementById('details-owner-path'), f ? f.owner_path : []);
    const stacks = s.allocation_stacks && s.allocation_stacks.length > 0 ? s.allocation_stacks
        : (f && f.headline === s.key ? f.allocation_stacks : []);
    fillStacks(document.getElementById('details-stacks'), stacks);
    for (const e of document.querySelectorAll('.selected')) {
      e.classList.remove('selected');
    }
    for (const e of document.querySelectorAll('[data-key]')) {
      if (e.getAttribute('data-key') === key) {
        e.classList.add('selected');
      }
    }
  }

  function compareText(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function buildTable() {
    const table = document.getElementById('sites');
    const tbody = table.tBodies[0];
    if (data.sites.length === 0) {
      tbody.append(el('tr', {}, el('td', { colspan: 8, class: 'none' }, 'No site grew by --min-bytes or more.')));
      return;
    }
    const rows = data.sites.map((s, index) => {
      const values = {
        shape: s.shape, 'class': shown(s['class']), objects: s.growth_objects, bytes: s.growth_bytes,
        retained: s.growth_retained_bytes, counts: s.counts[dumpCount - 1], owner: shown(ownerOf(s)), site: shown(s.site)
      };
      const td = (column, cls, ...content) => el('td', { class: cls, 'data-column': column, 'data-value': values[column] }, ...content);
      const tr = el('tr', { 'data-key': s.key },
          td('shape', 'shape', el('span', { class: 'badge shape-' + s.shape }, s.shape)),
          td('class', 'class', values['class']),
          td('objects', 'num', signed(s.growth_objects)),
          td('bytes', 'num', signedBytes(s.growth_bytes)),
          td('retained', 'num', signedBytes(s.growth_retained_bytes)),
          td('counts', 'counts', sparkline(s.counts, 90, 22), ' ', el('span', { class: 'values' }, s.counts.join(','))),
          td('owner', 'owner', values.owner),
          td('site', 'site', values.site));
      tr.addEventListener('click', () => select(s.key));
      return { tr, values, index };
    });
    tbody.append(...rows.map(r => r.tr));
    const headers = Array.from(table.tHead.rows[0].cells);
    let sortColumn = null;
    let ascending = true;
    const sortBy = th => {
      const column = th.getAttribute('data-column');
      const numeric = th.getAttribute('data-sort') === 'number';
      // Numbers start biggest first, names from A; a second click reverses.
      ascending = column === sortColumn ? !ascending : !numeric;
      sortColumn = column;
      rows.sort((a, b) => {
        const c = numeric ? a.values[column] - b.values[column] : compareText(a.values[column], b.values[column]);
        return (ascending ? c : -c) || a.index - b.index;
      });
      tbody.append(...rows.map(r => r.tr));
      headers.forEach(h => h.removeAttribute('aria-sort'));
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    };
    for (const th of headers) {
      th.tabIndex = 0;
      th.addEventListener('click', () => sortBy(th));
      th.addEventListener('keydown', e => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sortBy(th);
        }
      });
    }
  }

  function buildSummary() {
    const tbody = document.getElementById('dumps').tBodies[0];
    data.dumps.forEach((d, i) => {
      tbody.append(el('tr', { 'data-dump': i + 1 },
          el('td', { class: 'num' }, String(i + 1)),
          el('td', { class: 'mono' }, shown(d.path) + (d.truncated ? '  (truncated)' : '')),
          el('td', {}, d.timestamp),
          el('td', { class: 'num', 'data-value': d.objects }, String(d.objects)),
          el('td', { class: 'num', 'data-value': d.bytes, title: human(d.bytes) }, String(d.bytes))));
    });
    const h = data.heap;
    document.getElementById('heap').textContent = 'Heap growth ' + signed(h.growth_objects) + ' objects, '
        + signedBytes(h.growth_bytes) + '; the findings grew ' + signedBytes(h.findings_growth_bytes) + '.';
    const v = data.memory_verdict;
    if (v) {
      document.getElementById('verdict').textContent = 'Process memory: ' + v.kind + (v.text ? ' (' + v.text + ')' : '');
    }
  }

  function buildHeadline() {
    const shapes = new Map();
    for (const f of data.findings) {
      shapes.set(f.shape, (shapes.get(f.shape) || 0) + 1);
    }
    const byShape = Array.from(shapes, ([shape, n]) => n + ' ' + shape).join(', ');
    const n = data.findings.length;
    const text = dumpCount + ' dumps, ' + n + (n === 1 ? ' finding' : ' findings') + (byShape ? ' (' + byShape + ')' : '')
        + ', heap ' + signedBytes(data.heap.growth_bytes);
    document.getElementById('headline').textContent = text;
    document.title = 'memdiff: ' + text;
  }

  buildHeadline();
  buildTable();
  buildSummary();
  drawTreemap();
  let resizing = 0;
  window.addEventListener('resize', () => {
    clearTimeout(resizing);
    resizing = setTimeout(drawTreemap, 100);
  });
})();
