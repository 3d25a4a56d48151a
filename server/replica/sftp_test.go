package replica

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
)

// sftpServer is an SSH server on loopback that speaks only SFTP, in root,
// for one user with a password and a key: the second server a province
// replicates to, run by the test.
type sftpServer struct {
	addr    string
	hostKey string // authorized_keys form, for SIPAS_REPLICA_SFTP_HOST_KEY
	ln      net.Listener
	wg      sync.WaitGroup
	mu      sync.Mutex
	conns   []net.Conn
}

func startSFTP(t *testing.T, root, user, password string, clientKey ssh.PublicKey) *sftpServer {
	t.Helper()
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		PasswordCallback: func(c ssh.ConnMetadata, p []byte) (*ssh.Permissions, error) {
			if c.User() == user && string(p) == password {
				return nil, nil
			}
			return nil, os.ErrPermission
		},
		PublicKeyCallback: func(c ssh.ConnMetadata, k ssh.PublicKey) (*ssh.Permissions, error) {
			if clientKey != nil && c.User() == user && string(k.Marshal()) == string(clientKey.Marshal()) {
				return nil, nil
			}
			return nil, os.ErrPermission
		},
	}
	cfg.AddHostKey(signer)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &sftpServer{addr: ln.Addr().String(), ln: ln,
		hostKey: strings.TrimSpace(string(ssh.MarshalAuthorizedKey(signer.PublicKey())))}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.handle(c, cfg, root) }()
		}
	}()
	t.Cleanup(s.stop)
	return s
}

func (s *sftpServer) handle(c net.Conn, cfg *ssh.ServerConfig, root string) {
	defer c.Close()
	_, chans, reqs, err := ssh.NewServerConn(c, cfg)
	if err != nil {
		return
	}
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			nc.Reject(ssh.UnknownChannelType, "sessions only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			for req := range requests {
				ok := req.Type == "subsystem" && len(req.Payload) > 4 && string(req.Payload[4:]) == "sftp"
				req.Reply(ok, nil)
				if ok {
					srv, err := sftp.NewServer(ch, sftp.WithServerWorkingDirectory(root))
					if err == nil {
						srv.Serve()
					}
					ch.Close()
					return
				}
			}
		}()
	}
}

// stop closes the listener and every connection: the second server is gone.
func (s *sftpServer) stop() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func TestSFTPReplicaWithPassword(t *testing.T) {
	root := t.TempDir()
	srv := startSFTP(t, root, "backup", "s3cret", nil)
	replicateAndRestore(t, Config{URL: "sftp://backup:s3cret@" + srv.addr + "/sipas", SFTPHostKey: srv.hostKey})
	if m, _ := filepath.Glob(filepath.Join(root, "sipas", "ltx", "0", "*.ltx")); len(m) == 0 {
		t.Error("no LTX files in the SFTP server's folder")
	}
}

func TestSFTPReplicaWithKey(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "id_ed25519")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	srv := startSFTP(t, t.TempDir(), "backup", "", sshPub)
	replicateAndRestore(t, Config{URL: "sftp://backup@" + srv.addr + "/sipas", SFTPKeyFile: keyFile, SFTPHostKey: srv.hostKey})
}

func TestSFTPWrongHostKeyRefused(t *testing.T) {
	srv := startSFTP(t, t.TempDir(), "backup", "s3cret", nil)
	other := startSFTP(t, t.TempDir(), "backup", "s3cret", nil)
	err := Restore(t.Context(), RestoreOptions{Config: Config{URL: "sftp://backup:s3cret@" + srv.addr + "/sipas", SFTPHostKey: other.hostKey},
		Path: filepath.Join(t.TempDir(), "sipas.db")})
	if err == nil {
		t.Fatal("a server with another host key was trusted")
	}
}

// TestStartsWhileSFTPServerIsDown: the primary serves even when the second
// server does not answer; the replica shows as behind and catches up later.
func TestStartsWhileSFTPServerIsDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there now
	db, r, logs := primary(t, Config{URL: "sftp://backup:s3cret@" + addr + "/sipas"})
	write(t, db.Writer(), 1, 5)
	time.Sleep(600 * time.Millisecond)
	if st := r.Status(); st.InStep() || st.Replicated != 0 {
		t.Errorf("status with the server down: %+v", st)
	}
	if !strings.Contains(logs.String(), "not reachable at start") {
		t.Errorf("no log line about the unreachable server:\n%s", logs.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	r.Close(ctx)
}
