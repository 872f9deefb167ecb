package spark

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/apache/spark-connect-go/spark/client/channel"
	"github.com/apache/spark-connect-go/spark/sql"
)

// DefaultRemote is where `make spark` starts the local server: Spark Connect's own port, on
// the loopback interface.
const DefaultRemote = "sc://127.0.0.1:15002"

// Remote returns the Spark Connect address to use: $SPARK_REMOTE (the variable PySpark and
// the Spark Connect clients read) if set, else [DefaultRemote].
func Remote() string {
	if r := strings.TrimSpace(os.Getenv("SPARK_REMOTE")); r != "" {
		return r
	}
	return DefaultRemote
}

// Session is an open Spark Connect session. It embeds the client's [sql.SparkSession], so
// anything the Go client offers (Sql, Read, CreateDataFrame, ...) is at hand.
type Session struct {
	sql.SparkSession
	Remote  string        // the sc:// address connected to
	Version string        // the server's Spark version, e.g. "4.3.0"
	Opened  time.Duration // connecting plus the first round trip (SELECT version())
}

// NoServerError is what [Connect] returns when nothing answers at the address: it says how
// to start a local server or where to point SPARK_REMOTE.
type NoServerError struct {
	Remote string
	Err    error // the dial or handshake error
}

func (e *NoServerError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no Spark Connect server answers at %s (%v).\n", e.Remote, e.Err)
	b.WriteString("Start one on this machine, from the repository's folder:\n")
	b.WriteString("    make spark         # installs what is missing (pyspark, Java check), starts a local server\n")
	b.WriteString("    make spark-stop    # stops it, leaving no JVM behind\n")
	b.WriteString("or point SPARK_REMOTE at a running Spark Connect server, e.g. SPARK_REMOTE=sc://spark-master:15002\n")
	b.WriteString("(set it before starting JupyterLab, or os.Setenv(\"SPARK_REMOTE\", ...) in the notebook)")
	return b.String()
}

func (e *NoServerError) Unwrap() error { return e.Err }

// Connect opens a session with the Spark Connect server at remote ("" means [Remote]()),
// and asks it for its version, so that a session it returns has answered once. When no
// server listens there it fails within a few seconds with a [*NoServerError]; ctx bounds
// the whole call. The session holds no server-side resources worth releasing: drop it when
// done.
func Connect(ctx context.Context, remote string) (*Session, error) {
	if remote == "" {
		remote = Remote()
	}
	t0 := time.Now()
	cb, err := channel.NewBuilder(remote)
	if err != nil {
		return nil, fmt.Errorf("spark: bad Spark Connect address %q (want sc://host:port): %w", remote, err)
	}
	// The client dials lazily and retries for long; a plain TCP dial first fails fast.
	d := net.Dialer{Timeout: 3 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(cb.Host(), strconv.Itoa(cb.Port())))
	if err != nil {
		return nil, &NoServerError{Remote: remote, Err: err}
	}
	conn.Close()
	s, err := sql.NewSessionBuilder().Remote(remote).Build(ctx)
	if err != nil {
		return nil, &NoServerError{Remote: remote, Err: err}
	}
	rows, err := query(ctx, s, "SELECT version() AS v")
	if err != nil {
		return nil, fmt.Errorf("spark: %s accepts connections but does not answer as a Spark Connect server: %w", remote, err)
	}
	v, _ := rows[0].At(0).(string)
	v, _, _ = strings.Cut(v, " ") // "4.3.0 <git hash>"
	return &Session{SparkSession: s, Remote: remote, Version: v, Opened: time.Since(t0)}, nil
}

// ErrNoRows is returned by queries that should produce one row and produced none.
var ErrNoRows = errors.New("spark: the query returned no rows")

func query(ctx context.Context, s sql.SparkSession, q string) ([]rowLike, error) {
	df, err := s.Sql(ctx, q)
	if err != nil {
		return nil, err
	}
	rows, err := df.Collect(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, ErrNoRows
	}
	out := make([]rowLike, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, nil
}

type rowLike interface{ At(int) any }
