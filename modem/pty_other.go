//go:build unix && !linux

package modem

// isPTYSlave reports whether a character device is a pseudo-terminal
// slave; only Linux is told apart, elsewhere TIOCEXCL stays as the serial
// library set it.
func isPTYSlave(rdev uint64) bool { return false }
