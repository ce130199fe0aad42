package modem_test

import (
	"errors"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/texting-centre/texting/modem"
)

// exclusive reads the tty's TIOCEXCL flag through a descriptor of our own.
func exclusive(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rc, err := f.SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var v int
	var ierr error
	rc.Control(func(fd uintptr) { v, ierr = unix.IoctlGetInt(int(fd), unix.TIOCGEXCL) })
	if ierr != nil {
		t.Skipf("TIOCGEXCL: %v", ierr)
	}
	return v != 0
}

// On a pseudo-terminal the tty outlives its clients (the emulator holds the
// slave), so a TIOCEXCL left by a client killed with SIGKILL made every
// later open by a non-root user fail with "port busy". Open must leave the
// flag clear there and keep the port to itself with its flock alone.
func TestPTYNotLeftExclusive(t *testing.T) {
	m := emulator(t)
	d := open(t, m)
	if exclusive(t, m.Path()) {
		t.Fatal("TIOCEXCL set on the pseudo-terminal while held: a killed client would leave it busy")
	}
	if _, err := modem.Open(t.Context(), m.Path()); !errors.Is(err, modem.ErrPortBusy) {
		t.Fatalf("second open while held: %v, want ErrPortBusy", err)
	}
	d.Close()
	d2 := open(t, m)
	if d2.IMSI() == "" {
		t.Fatal("reopen after close")
	}
}
