//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package modemtest

import "golang.org/x/sys/unix"

// The termios ioctls: the BSDs and macOS name them TIOCGETA/TIOCSETA.
const (
	ioctlGetTermios = unix.TIOCGETA
	ioctlSetTermios = unix.TIOCSETA
)
