//go:build !linux

package modem

// sysUSBRoot is unused off Linux.
const sysUSBRoot = ""

// scanUSB finds nothing off Linux: there the sticks are only seen through
// their serial ports.
func scanUSB(string) []usbStick { return nil }

// portInterface is unknown off Linux.
func portInterface(string) (int, bool) { return 0, false }
