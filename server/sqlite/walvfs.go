package sqlite

import (
	"fmt"
	"sync"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The write pool opens the database through walVFS: SQLite's own unix VFS,
// except that a WAL file's writes are gathered and reach the kernel in one
// pwrite a transaction instead of two a page (a 24-byte frame header, then
// the page). Under load those pwrites were the largest cost left on the
// submission path's one serial part (decision 14).
//
// What is gathered is written before any sync of the file, before any
// read, size, truncate, file control or close of it, and as soon as a
// transaction's commit frame is complete: a transaction committed without a
// sync (the bulk loads) is in the file, for the other connections and
// processes and for a crash one instant later, before SQLite publishes it
// in the wal-index. Everything that is not a WAL file (the database, its
// -shm) is SQLite's unix VFS unchanged, and so are all locks. Decision 21.
const walVFSName = "sipas-wal"

const (
	walFrameHeader = 24      // bytes before each page in a WAL frame
	walGatherMax   = 1 << 20 // bytes gathered at most before they are written
	walWriteMax    = 0x1f000 // bytes a write of the unix VFS takes at most (its limit is 0x1ffff)
)

// walGather is an open WAL file's pending bytes: file[start:start+n] is
// buf[:n], not yet written.
type walGather struct {
	buf    uintptr // walGatherMax bytes in SQLite's heap; 0 until first needed
	max    int32   // bytes gathered at most: walGatherMax (tests lower it)
	n      int32
	start  int64
	commit bool  // the last write was a commit frame's header: its page ends the transaction
	readAt int64 // the offset of the last read, if no write came since; else -1
	writes int64 // writes handed to the unix VFS, for tests
}

// SQLite's function-pointer signatures, as modernc's transpiled C calls them.
type (
	xOpenFunc     = func(tls *libc.TLS, vfs, name, file uintptr, flags int32, outFlags uintptr) int32
	xCloseFunc    = func(tls *libc.TLS, file uintptr) int32
	xReadFunc     = func(tls *libc.TLS, file, buf uintptr, n int32, off int64) int32 // and xWrite
	xTruncateFunc = func(tls *libc.TLS, file uintptr, size int64) int32
	xSyncFunc     = func(tls *libc.TLS, file uintptr, flags int32) int32
	xFileSizeFunc = func(tls *libc.TLS, file, size uintptr) int32
	xControlFunc  = func(tls *libc.TLS, file uintptr, op int32, arg uintptr) int32
)

// walVFS is the process's one registration: SQLite's VFS list is global.
var walVFS struct {
	once sync.Once
	err  error

	unix     uintptr // the unix VFS
	open     xOpenFunc
	close    xCloseFunc
	read     xReadFunc
	write    xReadFunc
	truncate xTruncateFunc
	sync     xSyncFunc
	fileSize xFileSizeFunc
	control  xControlFunc

	mu    sync.Mutex
	files map[uintptr]*walGather // by sqlite3_file address, from open to close
}

// walC is what SQLite holds or reads of ours. It has no Go pointers, so it
// lies outside the memory the GC scans and -race's checkptr watches, as
// SQLite's own memory does.
var walC struct {
	vfs     sqlite3.Tsqlite3_vfs        // registered as walVFSName
	methods sqlite3.Tsqlite3_io_methods // a WAL file's: unix's, with the gathering ones below
	ours    uintptr                     // &methods, to copy into a file's pMethods
	unixWAL uintptr                     // the unix methods a WAL file opens with, that methods wraps
	opened  uintptr                     // an opened file's pMethods, read under walVFS.mu
	zero    [4]byte
}

// registerWALVFS registers walVFSName once per process.
func registerWALVFS() error {
	v := &walVFS
	v.once.Do(func() {
		tls := libc.NewTLS()
		defer tls.Close()
		if rc := sqlite3.Xsqlite3_initialize(tls); rc != sqlite3.SQLITE_OK {
			v.err = fmt.Errorf("sqlite3_initialize: %d", rc)
			return
		}
		v.unix = sqlite3.Xsqlite3_vfs_find(tls, 0)
		if v.unix == 0 {
			v.err = fmt.Errorf("sqlite has no default VFS")
			return
		}
		libc.Xmemcpy(tls, uintptr(unsafe.Pointer(&walC.vfs)), v.unix, libc.Tsize_t(unsafe.Sizeof(walC.vfs)))
		v.open = fn[xOpenFunc](walC.vfs.FxOpen)
		name, err := libc.CString(walVFSName)
		if err != nil {
			v.err = err
			return
		}
		walC.vfs.FzName = name
		walC.vfs.FpNext = 0
		setFn(&walC.vfs.FxOpen, walOpen)
		walC.ours = uintptr(unsafe.Pointer(&walC.methods))
		v.files = map[uintptr]*walGather{}
		if rc := sqlite3.Xsqlite3_vfs_register(tls, uintptr(unsafe.Pointer(&walC.vfs)), 0); rc != sqlite3.SQLITE_OK {
			v.err = fmt.Errorf("sqlite3_vfs_register: %d", rc)
		}
	})
	return v.err
}

// fn reads a function pointer of SQLite's as the Go function it holds.
func fn[F any](p uintptr) F { return *(*F)(unsafe.Pointer(&p)) }

// setFn stores a Go function in one of SQLite's function pointers.
func setFn[F any](p *uintptr, f F) { *(*F)(unsafe.Pointer(p)) = f }

// setFileMethods sets an open file's pMethods (its first field) to the
// value held at from.
func setFileMethods(tls *libc.TLS, file uintptr, from *uintptr) {
	libc.Xmemcpy(tls, file, uintptr(unsafe.Pointer(from)), libc.Tsize_t(unsafe.Sizeof(*from)))
}

// walOpen opens every file as the unix VFS does, and gives a WAL file the
// gathering methods.
func walOpen(tls *libc.TLS, _, name, file uintptr, flags int32, outFlags uintptr) int32 {
	v := &walVFS
	rc := v.open(tls, v.unix, name, file, flags, outFlags)
	if rc != sqlite3.SQLITE_OK || flags&sqlite3.SQLITE_OPEN_WAL == 0 {
		return rc
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	libc.Xmemcpy(tls, uintptr(unsafe.Pointer(&walC.opened)), file, libc.Tsize_t(unsafe.Sizeof(walC.opened)))
	m := &walC.methods
	if walC.unixWAL == 0 {
		walC.unixWAL = walC.opened
		libc.Xmemcpy(tls, walC.ours, walC.opened, libc.Tsize_t(unsafe.Sizeof(*m)))
		v.close = fn[xCloseFunc](m.FxClose)
		v.read = fn[xReadFunc](m.FxRead)
		v.write = fn[xReadFunc](m.FxWrite)
		v.truncate = fn[xTruncateFunc](m.FxTruncate)
		v.sync = fn[xSyncFunc](m.FxSync)
		v.fileSize = fn[xFileSizeFunc](m.FxFileSize)
		v.control = fn[xControlFunc](m.FxFileControl)
		setFn(&m.FxClose, walClose)
		setFn(&m.FxRead, walRead)
		setFn(&m.FxWrite, walWrite)
		setFn(&m.FxTruncate, walTruncate)
		setFn(&m.FxSync, walSync)
		setFn(&m.FxFileSize, walFileSize)
		setFn(&m.FxFileControl, walFileControl)
	}
	if walC.opened != walC.unixWAL {
		// Another kind of unix file (another locking style): left as it is.
		return rc
	}
	v.files[file] = &walGather{max: walGatherMax, readAt: -1}
	setFileMethods(tls, file, &walC.ours)
	return rc
}

func gatherOf(file uintptr) *walGather {
	v := &walVFS
	v.mu.Lock()
	g := v.files[file]
	v.mu.Unlock()
	return g
}

// flush writes what is gathered. What it could not write is dropped all
// the same: the error fails the transaction, as a failed pwrite would.
func (g *walGather) flush(tls *libc.TLS, file uintptr) int32 {
	if g.n == 0 {
		return sqlite3.SQLITE_OK
	}
	n, at, off := g.n, g.buf, g.start
	g.n = 0
	for n > 0 {
		// The unix VFS writes at most 0x1ffff bytes a call.
		c := min(n, walWriteMax)
		if rc := g.direct(tls, file, at, c, off); rc != sqlite3.SQLITE_OK {
			return rc
		}
		n, at, off = n-c, at+uintptr(c), off+int64(c)
	}
	return sqlite3.SQLITE_OK
}

// direct hands a write to the unix VFS.
func (g *walGather) direct(tls *libc.TLS, file, buf uintptr, n int32, off int64) int32 {
	g.writes++
	return walVFS.write(tls, file, buf, n, off)
}

func walWrite(tls *libc.TLS, file, buf uintptr, n int32, off int64) int32 {
	g := gatherOf(file)
	rewrite := off == g.readAt
	g.readAt = -1
	// After a commit frame's header, its page ends the transaction: it
	// goes to the file with what is gathered, even when the buffer had to
	// be written out between the two.
	ends := g.commit
	g.commit = false
	if g.n > 0 && (rewrite || off != g.start+int64(g.n) || int64(g.n)+int64(n) > int64(g.max)) {
		if rc := g.flush(tls, file); rc != sqlite3.SQLITE_OK {
			return rc
		}
	}
	if rewrite || n > walWriteMax {
		// A frame read back and written again is SQLite mending the
		// checksums of a transaction that outgrew its cache: nothing
		// follows the last of those to tell it is done, so it goes now.
		// (Nor is a write larger than the unix VFS takes gathered.)
		return g.direct(tls, file, buf, n, off)
	}
	if g.buf == 0 {
		if g.buf = libc.Xmalloc(tls, walGatherMax); g.buf == 0 {
			return g.direct(tls, file, buf, n, off)
		}
	}
	if g.n == 0 {
		g.start = off
	}
	libc.Xmemcpy(tls, g.buf+uintptr(g.n), buf, libc.Tsize_t(n))
	g.n += n
	if ends {
		return g.flush(tls, file)
	}
	if n == walFrameHeader {
		// A frame header; bytes 4-7 are the database's size in pages after
		// a commit, zero in the other frames of a transaction.
		g.commit = libc.Xmemcmp(tls, buf+4, uintptr(unsafe.Pointer(&walC.zero)), 4) != 0
	}
	return sqlite3.SQLITE_OK
}

func walRead(tls *libc.TLS, file, buf uintptr, n int32, off int64) int32 {
	g := gatherOf(file)
	if rc := g.flush(tls, file); rc != sqlite3.SQLITE_OK {
		return rc
	}
	g.readAt = off
	return walVFS.read(tls, file, buf, n, off)
}

func walSync(tls *libc.TLS, file uintptr, flags int32) int32 {
	if rc := gatherOf(file).flush(tls, file); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return walVFS.sync(tls, file, flags)
}

func walTruncate(tls *libc.TLS, file uintptr, size int64) int32 {
	if rc := gatherOf(file).flush(tls, file); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return walVFS.truncate(tls, file, size)
}

func walFileSize(tls *libc.TLS, file, size uintptr) int32 {
	if rc := gatherOf(file).flush(tls, file); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return walVFS.fileSize(tls, file, size)
}

func walFileControl(tls *libc.TLS, file uintptr, op int32, arg uintptr) int32 {
	if rc := gatherOf(file).flush(tls, file); rc != sqlite3.SQLITE_OK {
		return rc
	}
	return walVFS.control(tls, file, op, arg)
}

func walClose(tls *libc.TLS, file uintptr) int32 {
	v := &walVFS
	v.mu.Lock()
	g := v.files[file]
	delete(v.files, file)
	v.mu.Unlock()
	rc := g.flush(tls, file)
	if g.buf != 0 {
		libc.Xfree(tls, g.buf)
	}
	// The unix methods close the file whatever the flush did.
	setFileMethods(tls, file, &walC.unixWAL)
	if crc := v.close(tls, file); rc == sqlite3.SQLITE_OK {
		rc = crc
	}
	return rc
}
