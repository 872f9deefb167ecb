// What the functions of every chart kind share.
{
  // num formats a number as the fallback tables do: four significant digits, no exponent
  // from 10,000 up, "–" for none.
  num: function (v) {
    if (v == null || v === '-' || v === '' || !isFinite(v)) return '–';
    v = +v;
    return Math.abs(v) >= 1e4 ? String(Math.round(v)) : String(+v.toPrecision(4));
  },
  // esc makes text show as written inside a tooltip's HTML: markup characters as entities,
  // newlines as line breaks.
  esc: function (s) {
    var map = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
    return String(s == null ? '' : s)
      .replace(/[&<>"']/g, function (c) {
        return map[c];
      })
      .replace(/\r\n|\r|\n/g, '<br>');
  },
  // clip returns the part of rect r inside the grid of params, or undefined.
  clip: function (echarts, params, r) {
    var cs = params.coordSys;
    return echarts.graphic.clipRectByRect(r, { x: cs.x, y: cs.y, width: cs.width, height: cs.height });
  },
  // usageTip is the tooltip of resource use (usage.js, timeline.js): c.meta.unit is the
  // unit of time, c.meta.cores the machine's cores.
  usageTip: function (c, ps) {
    var h = this, out = '';
    ps.forEach(function (p) {
      if (p.seriesType !== 'line' || !p.value) return;
      if (!out) out = '<b>' + h.num(p.value[0]) + ' ' + h.esc(c.meta.unit) + '</b>';
      var cpu = p.seriesName.indexOf('CPU') === 0;
      out += '<br>' + p.marker + h.esc(p.seriesName) + ': ' + h.num(p.value[1]) + (cpu && c.meta.cores ? ' of ' + h.num(c.meta.cores) : '');
    });
    return out;
  },
}
