// Package replica streams the SQLite database to a second place with
// Litestream (embedded as a library, ADR 0018) and rebuilds a database from
// that copy. A target is a URL: file:///mnt/disk2/sipas (a second disk or an
// NFS mount), sftp://user@host/path (a second server) or s3://bucket/path
// (S3-compatible object storage; endpoint and keys from the usual variables).
package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
	_ "github.com/benbjohnson/litestream/s3" // registers s3://
	"github.com/benbjohnson/litestream/sftp"
	"golang.org/x/crypto/ssh"
)

// SyncInterval is the recovery point the replica promises: a commit older
// than this is on the replica. Litestream's two stages (WAL → local LTX
// file, LTX file → target) each run at a fraction of it so that their sum,
// plus the upload, stays inside.
const SyncInterval = time.Second

const (
	monitorEvery = SyncInterval / 4 // WAL → local LTX files
	uploadEvery  = SyncInterval / 2 // local LTX files → target
	watchEvery   = 250 * time.Millisecond
)

// Config says where to replicate and when to complain.
type Config struct {
	URL    string        // "" = no replica
	MaxLag time.Duration // a warning in the log when the replica is further behind
	// SFTP only: a private key file and the server's public key in
	// authorized_keys form (without it the host key is not checked).
	SFTPKeyFile string
	SFTPHostKey string
}

// Enabled reports whether a replica is configured.
func (c Config) Enabled() bool { return c.URL != "" }

// Validate checks the URL's form without connecting: one sentence for the
// operator when it is not one of the three kinds of target.
func (c Config) Validate() error {
	if c.URL == "" {
		return nil
	}
	if err := ValidateURL(c.URL); err != nil {
		return err
	}
	if c.MaxLag <= 0 {
		return errors.New("the maximum lag must be a positive duration such as 10s")
	}
	if c.SFTPHostKey != "" {
		if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(c.SFTPHostKey)); err != nil {
			return errors.New("the SFTP host key is not a public key such as \"ssh-ed25519 AAAA…\" (one line of ssh-keyscan without the host name)")
		}
	}
	if c.SFTPKeyFile != "" {
		if _, err := os.Stat(c.SFTPKeyFile); err != nil {
			return fmt.Errorf("SFTP key file %q cannot be read", c.SFTPKeyFile)
		}
	}
	return nil
}

// ValidateURL checks that raw is a file, sftp or s3 target with everything
// the kind needs.
func ValidateURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL", Redact(raw))
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" || !strings.HasPrefix(u.Path, "/") || u.Path == "/" {
			return fmt.Errorf("%q is not file:///absolute/folder (three slashes, then a folder that is not /)", raw)
		}
	case "sftp":
		if u.Host == "" || u.User.Username() == "" || strings.Trim(u.Path, "/") == "" {
			return fmt.Errorf("%q is not sftp://user@host[:port]/folder", Redact(raw))
		}
	case "s3":
		if u.Host == "" || strings.Trim(u.Path, "/") == "" {
			return fmt.Errorf("%q is not s3://bucket/folder", Redact(raw))
		}
	default:
		return fmt.Errorf("%q: a replica is file:///folder, sftp://user@host/folder or s3://bucket/folder", Redact(raw))
	}
	return nil
}

// Redact hides a password in a URL so that it can be shown and logged.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unreadable URL)"
	}
	return u.Redacted()
}

// newClient builds Litestream's client for the target.
func newClient(cfg Config) (litestream.ReplicaClient, error) {
	if err := ValidateURL(cfg.URL); err != nil {
		return nil, err
	}
	c, err := litestream.NewReplicaClientFromURL(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("replica %s: %w", Redact(cfg.URL), err)
	}
	if s, ok := c.(*sftp.ReplicaClient); ok {
		s.KeyPath, s.HostKey = cfg.SFTPKeyFile, cfg.SFTPHostKey
		s.DialTimeout = 10 * time.Second
	}
	return c, nil
}

// Status is what the operator sees of the replica.
type Status struct {
	Target     string        // the URL, password hidden
	Local      uint64        // last transaction Litestream has taken from the WAL
	Replicated uint64        // last transaction on the target
	Lag        time.Duration // how long the target has been behind; 0 when in step
	LastSync   time.Time     // last successful upload (zero: none yet)
}

// InStep reports whether the target has every transaction taken so far.
func (s Status) InStep() bool { return s.Replicated >= s.Local && !s.LastSync.IsZero() }

// Replicator runs Litestream for one database file.
type Replicator struct {
	cfg   Config
	store *litestream.Store
	db    *litestream.DB
	log   *slog.Logger

	mu        sync.Mutex
	caughtUp  time.Time // last time the target had every local transaction
	closeOnce sync.Once
	closeErr  error
}

// Start begins replicating the database at path. The caller's own
// checkpointer must be off (sqlite.ExternalCheckpoints): Litestream holds a
// read transaction and checkpoints after it has copied the WAL (ADR 0018).
func Start(ctx context.Context, path string, cfg Config, log *slog.Logger) (*Replicator, error) {
	client, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	log = log.With("component", "replica", "target", Redact(cfg.URL))
	client = lenientInit{client, log}
	db := litestream.NewDB(path)
	db.MonitorInterval = monitorEvery
	r := litestream.NewReplicaWithClient(db, client)
	r.SyncInterval = uploadEvery
	db.Replica = r
	if fc, ok := client.(lenientInit).ReplicaClient.(*file.ReplicaClient); ok {
		fc.Replica = r // the file client reads the database's folder permissions through it
	}
	store := litestream.NewStore([]*litestream.DB{db}, litestream.DefaultCompactionLevels)
	// NewStore hands its own logger and shutdown settings to the database; ours go after.
	store.Logger = log
	db.SetLogger(log)
	db.ShutdownSyncTimeout = 10 * time.Second
	store.CompactionMonitorEnabled = true
	if err := store.Open(ctx); err != nil {
		return nil, fmt.Errorf("replica %s: %w", Redact(cfg.URL), err)
	}
	return &Replicator{cfg: cfg, store: store, db: db, log: log, caughtUp: time.Now()}, nil
}

// lenientInit lets the server start while the target does not answer (the
// second server is down, the network to the bucket is cut): citizens'
// answers are still stored on the primary, the lag grows and is reported,
// and every backend connects again on its next upload.
type lenientInit struct {
	litestream.ReplicaClient
	log *slog.Logger
}

func (c lenientInit) Init(ctx context.Context) error {
	if err := c.ReplicaClient.Init(ctx); err != nil {
		c.log.Error("replica target not reachable at start; replicating as soon as it answers", "err", err)
	}
	return nil
}

// Status reads the positions; cheap enough for every page view and scrape.
func (r *Replicator) Status() Status {
	st := Status{Target: Redact(r.cfg.URL), LastSync: r.db.LastSuccessfulSyncAt()}
	if pos, err := r.db.Pos(); err == nil {
		st.Local = uint64(pos.TXID)
	}
	st.Replicated = uint64(r.db.Replica.Pos().TXID)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if st.Replicated >= st.Local {
		r.caughtUp = now
	}
	st.Lag = now.Sub(r.caughtUp)
	return st
}

// Watch samples the lag until ctx ends and logs a warning when it passes
// the configured maximum, and again when the replica is back in step.
func (r *Replicator) Watch(ctx context.Context) {
	t := time.NewTicker(watchEvery)
	defer t.Stop()
	warned := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		st := r.Status()
		switch {
		case st.Lag > r.cfg.MaxLag && !warned:
			warned = true
			r.log.Warn("replica is behind", "lag", st.Lag.Round(time.Millisecond), "max_lag", r.cfg.MaxLag,
				"local_txid", st.Local, "replicated_txid", st.Replicated, "last_sync", st.LastSync)
		case st.Lag == 0 && warned:
			warned = false
			r.log.Info("replica is in step again", "replicated_txid", st.Replicated)
		}
	}
}

// Sync copies everything committed so far to the target and waits for it;
// the background loops do the same every interval.
func (r *Replicator) Sync(ctx context.Context) error {
	return r.db.SyncAndWait(ctx)
}

// Close uploads what is left and stops. Call it after the last write and
// before closing the database.
func (r *Replicator) Close(ctx context.Context) error {
	r.closeOnce.Do(func() {
		// Litestream's final upload covers only a database it has already
		// opened, which its monitor does on its first tick; a server
		// stopped sooner would leave its last writes for the next start.
		err := r.db.Sync(ctx)
		r.closeErr = errors.Join(err, r.store.Close(ctx))
	})
	return r.closeErr
}

// RestoreOptions say what to rebuild and where.
type RestoreOptions struct {
	Config           // URL and SFTP keys of the replica
	Path   string    // the database file to write; its folder must be empty
	At     time.Time // zero = the latest state
}

// Restore rebuilds a database file from the replica. It does not check
// the result: on a large database integrity_check takes as long as the
// restore, so the caller runs it once (sipas restore does, and prints it).
func Restore(ctx context.Context, opt RestoreOptions) error {
	client, err := newClient(opt.Config)
	if err != nil {
		return err
	}
	if err := client.Init(ctx); err != nil {
		return fmt.Errorf("replica %s: %w", Redact(opt.URL), err)
	}
	if err := os.MkdirAll(filepath.Dir(opt.Path), 0o750); err != nil {
		return err
	}
	ro := litestream.NewRestoreOptions()
	ro.OutputPath = opt.Path
	ro.Timestamp = opt.At
	ro.IntegrityCheck = litestream.IntegrityCheckNone
	r := litestream.NewReplicaWithClient(nil, client)
	if err := r.Restore(ctx, ro); err != nil {
		if errors.Is(err, litestream.ErrTxNotAvailable) || errors.Is(err, litestream.ErrNoSnapshots) {
			return fmt.Errorf("replica %s has nothing to restore (at that time): %w", Redact(opt.URL), err)
		}
		return fmt.Errorf("restore from %s: %w", Redact(opt.URL), err)
	}
	return nil
}
