// Draws a fragment's chart (see js.go) at its container's width, and again when it changes.
function (w, id, H, libs, opt, meta, s) {
	var own = Object.prototype.hasOwnProperty, fn = {};
	libs.forEach(function (l) {
		for (var k in l.fn) if (own.call(l.fn, k)) fn[k] = l.fn[k];
	});
	function later(ms, f) {
		return new Promise(function (k) { setTimeout(k, ms); }).then(f);
	}
	function lib(n) {
		if (w.echarts && w.echarts.init) return Promise.resolve(w.echarts);
		if (w.__speedupEcharts) return w.__speedupEcharts;
		if (n > 100) return Promise.reject(new Error('no output of this page carries the library; restart the kernel and run the cells again'));
		return later(100, function () { return lib(n + 1); });
	}
	function find(n) {
		var r = document.getElementById(id);
		if (r) return Promise.resolve(r);
		if (n > 300) return Promise.reject(new Error('element #' + id + ' never appeared'));
		return later(50, function () { return find(n + 1); });
	}
	function fail(what, e) {
		var r = document.getElementById(id), m = r && r.querySelector('.speedup-error');
		if (!r) return;
		if (m) {
			m.textContent = 'Chart not drawn: ' + what + ' (' + ((e && e.message) || e) + '). The table below has its numbers.';
			m.style.display = 'block';
		}
		r.setAttribute('data-state', 'failed');
	}
	// resolve puts, in place, the kind's functions where v has markers.
	function resolve(v, c) {
		if (Array.isArray(v)) {
			for (var i = 0; i < v.length; i++) v[i] = resolve(v[i], c);
		} else if (v !== null && typeof v === 'object') {
			if (typeof v.$fn === 'string') {
				if (!own.call(fn, v.$fn)) throw new Error('no function ' + v.$fn + ' for this chart');
				return fn[v.$fn].apply(null, [c].concat(v.args || []));
			}
			for (var k in v) if (own.call(v, k)) v[k] = resolve(v[k], c);
		}
		return v;
	}
	function start(echarts, root) {
		var el = root.querySelector('.speedup-canvas'), broken = false, queued = false;
		var c = { echarts: echarts, opt: opt, meta: meta, h: H, fn: fn, root: root, chart: null };
		try {
			if (!opt) throw new Error('its option could not be encoded');
			resolve(opt, c);
		} catch (e) {
			return fail('its option is broken', e);
		}
		function draw() {
			try {
				var ch = (c.chart = echarts.init(el, null, { renderer: s.renderer }));
				var done = function () {
					ch.off('finished', done);
					root.setAttribute('data-finished', 'true');
				};
				ch.on('finished', done);
				ch.setOption(opt);
				libs.forEach(function (l) {
					if (l.attach) l.attach(c);
				});
				root.querySelectorAll('.speedup-fallback').forEach(function (t) { t.style.display = 'none'; });
				root.setAttribute('data-state', 'rendered');
			} catch (e) {
				broken = true;
				fail('ECharts failed to draw it', e);
			}
		}
		// fit draws once the element has a size, then follows it; lets go of the chart when
		// the element leaves the page (a cleared output), draws again if it comes back.
		function fit() {
			queued = false;
			if (broken) return;
			if (!el.isConnected) {
				if (c.chart) c.chart.dispose();
				c.chart = null;
			} else if (el.clientWidth > 0 && el.clientHeight > 0) {
				if (c.chart) c.chart.resize();
				else draw();
			}
		}
		function soon() {
			if (!queued) (w.requestAnimationFrame || setTimeout)(fit);
			queued = true;
		}
		el.style.display = 'block';
		if (typeof w.ResizeObserver === 'function') new w.ResizeObserver(soon).observe(el);
		else w.addEventListener('resize', soon);
		fit();
	}
	lib(0).then(
		function (echarts) {
			return find(0).then(function (root) { start(echarts, root); });
		},
		function (e) { fail('echarts could not load', e); },
	);
}
