package airtemp

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// startServer starts a Server that the test closes when it ends.
func startServer(t *testing.T, cfg ServerConfig) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// fastClient is a Client with millisecond backoff and its own connections.
func fastClient(t *testing.T, baseURL string) *Client {
	t.Helper()
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: 5 * time.Second}
	t.Cleanup(hc.CloseIdleConnections)
	return &Client{
		BaseURL:         baseURL,
		HTTP:            hc,
		InitialInterval: time.Millisecond,
		MaxInterval:     5 * time.Millisecond,
	}
}

// fixedServer answers every request with status and body, and counts them.
func fixedServer(t *testing.T, status int, contentType, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}
