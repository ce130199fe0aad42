//go:build !unix

package outbox

import "os"

func processStart(pid int) string { return "" }

// processAlive cannot tell on this system without more machinery; a pid that
// can be found is taken as alive, which never touches a live process's rows.
func processAlive(pid int, start string) bool {
	p, err := os.FindProcess(pid)
	return err == nil && p != nil
}
