//go:build !unix

package modem

import (
	"fmt"
	"os"
)

// lockPort checks that the port exists; on these systems the serial driver
// itself gives exclusive access.
func lockPort(path string) (*os.File, error) {
	if _, err := os.Stat(path); err != nil && os.IsNotExist(err) {
		return nil, fmt.Errorf("open %s: no such port: %w", path, os.ErrNotExist)
	}
	return nil, nil
}

// dropPTYExclusive has nothing to do where there is no TIOCEXCL.
func dropPTYExclusive(lock *os.File) {}
