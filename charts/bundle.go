package charts

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/base64"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// echartsGz is a minimal Apache ECharts build (see assets/README.md), gzip -9.
//
//go:embed assets/echarts.min.js.gz
var echartsGz []byte

// BundleVersion names the embedded ECharts build; it changes whenever the bundle does.
const BundleVersion = "echarts-5.4.3-speedup-1"

// The first fragment rendered by a process carries the ECharts bundle; the next ones rely
// on it (GoNB runs each cell execution as a new process, so this is once per cell output).
var bundleSent atomic.Bool

// resetBundle makes the next HTML call carry the bundle again (for tests).
func resetBundle() { bundleSent.Store(false) }

var bundleJS = sync.OnceValues(func() (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(echartsGz))
	if err != nil {
		return "", fmt.Errorf("charts: embedded echarts bundle: %w", err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		return "", fmt.Errorf("charts: embedded echarts bundle: %w", err)
	}
	return string(js), nil
})

// bundleB64 is the gzipped bundle in base64, as a fragment carries it.
var bundleB64 = sync.OnceValue(func() string { return base64.StdEncoding.EncodeToString(echartsGz) })
