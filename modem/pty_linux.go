package modem

import "golang.org/x/sys/unix"

// isPTYSlave reports whether a character device is a Unix 98
// pseudo-terminal slave (majors 136-143 on Linux).
func isPTYSlave(rdev uint64) bool {
	m := unix.Major(rdev)
	return m >= 136 && m <= 143
}
