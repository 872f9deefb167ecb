// Draws one chart fragment (see fragment.go). Waits for ECharts and for the fragment's root
// element #id, puts the functions of the chart's kind (L.fn) where the option has
// {"$fn": name, "args": [...]} markers, then draws as wide as the element's container and
// redraws whenever that width changes (ResizeObserver). The root gets data-state="rendered"
// (or "failed") once drawn, and data-finished="true" when ECharts has finished its first
// rendering (animations included), for browser tests.
function (w, id, H, L, opt, meta, s) {
  var own = Object.prototype.hasOwnProperty;
  function lib(n) {
    if (w.echarts && w.echarts.init) return Promise.resolve(w.echarts);
    if (w.__speedupEcharts) return w.__speedupEcharts;
    if (n > 100) return Promise.reject(new Error('no output of this page carries the library; restart the kernel and run the cells again'));
    return new Promise(function (k) { setTimeout(k, 100); }).then(function () { return lib(n + 1); });
  }
  function find(n) {
    var r = document.getElementById(id);
    if (r) return Promise.resolve(r);
    if (n > 300) return Promise.reject(new Error('element #' + id + ' never appeared'));
    return new Promise(function (k) { setTimeout(k, 50); }).then(function () { return find(n + 1); });
  }
  function fail(what, e) {
    var r = document.getElementById(id);
    if (!r) return;
    var m = r.querySelector('.speedup-error');
    if (m) {
      m.textContent = 'Chart not drawn: ' + what + ' (' + ((e && e.message) || e) + '). The table below has its numbers.';
      m.style.display = 'block';
    }
    r.setAttribute('data-state', 'failed');
  }
  // resolve replaces, in place, each marker in v by the function the kind makes of it.
  function resolve(v, ctx) {
    if (Array.isArray(v)) {
      for (var i = 0; i < v.length; i++) v[i] = resolve(v[i], ctx);
    } else if (v !== null && typeof v === 'object') {
      if (typeof v.$fn === 'string') {
        if (!L.fn || !own.call(L.fn, v.$fn)) throw new Error('no function ' + v.$fn + ' for this chart');
        return L.fn[v.$fn].apply(null, [ctx].concat(v.args || []));
      }
      for (var k in v) if (own.call(v, k)) v[k] = resolve(v[k], ctx);
    }
    return v;
  }
  lib(0).then(
    function (echarts) {
      return find(0).then(function (root) {
        var el = root.querySelector('.speedup-canvas');
        var ctx = { echarts: echarts, opt: opt, meta: meta, h: H, root: root, chart: null };
        var ch = null, broken = false, queued = false;
        try {
          if (!opt) throw new Error('its option could not be encoded');
          if (L.prepare) L.prepare(ctx);
          resolve(opt, ctx);
        } catch (e) {
          fail('its option is broken', e);
          return;
        }
        function draw() {
          try {
            ch = ctx.chart = echarts.init(el, null, { renderer: s.renderer });
            var done = function () {
              ch.off('finished', done);
              root.setAttribute('data-finished', 'true');
            };
            ch.on('finished', done);
            ch.setOption(opt);
            if (L.attach) L.attach(ctx);
            root.querySelectorAll('.speedup-fallback').forEach(function (t) {
              t.style.display = 'none';
            });
            root.setAttribute('data-state', 'rendered');
          } catch (e) {
            broken = true;
            fail('ECharts failed to draw it', e);
          }
        }
        // fit draws once the element has a size, follows its size, and lets go of the chart
        // when the element leaves the page (a cleared output), drawing again if it comes back.
        function fit() {
          queued = false;
          if (broken) return;
          if (!el.isConnected) {
            if (ch) ch.dispose();
            ch = ctx.chart = null;
          } else if (el.clientWidth > 0 && el.clientHeight > 0) {
            if (ch) ch.resize();
            else draw();
          }
        }
        function later() {
          if (!queued) {
            queued = true;
            (w.requestAnimationFrame || setTimeout)(fit);
          }
        }
        el.style.display = 'block';
        if (typeof w.ResizeObserver === 'function') new w.ResizeObserver(later).observe(el);
        else w.addEventListener('resize', later);
        fit();
      });
    },
    function (e) {
      fail('echarts could not load', e);
    },
  );
}
