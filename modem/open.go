package modem

import (
	"errors"
	"fmt"
	"io"
	"os"

	"go.bug.st/serial"
	"go.bug.st/serial/enumerator"
)

// This is the only file that imports go.bug.st/serial.

// serialPort is an open port and the advisory lock that keeps other
// processes off it.
type serialPort struct {
	serial.Port
	lock io.Closer
}

func (p *serialPort) Close() error {
	err := p.Port.Close()
	if p.lock != nil {
		if lerr := p.lock.Close(); err == nil {
			err = lerr
		}
	}
	return err
}

// openPort opens path raw 8N1 for exclusive use. The modem-control lines
// (DTR/RTS) are left alone: dongles ignore them and on a pseudo-terminal the
// ioctls fail. go.bug.st/serial sets TIOCEXCL, which does not stop root (or a
// second open of a pty), so an flock on the device node makes a second
// process get ErrPortBusy instead of sharing the port.
func openPort(path string, baud int) (io.ReadWriteCloser, error) {
	lock, err := lockPort(path)
	if err != nil {
		return nil, err
	}
	p, err := serial.Open(path, &serial.Mode{
		BaudRate: baud,
		DataBits: 8,
		Parity:   serial.NoParity,
		StopBits: serial.OneStopBit,
		// InitialStatusBits stays nil: do not touch DTR/RTS.
	})
	if err != nil {
		lock.Close()
		return nil, portError(path, err)
	}
	dropPTYExclusive(lock)
	sp := &serialPort{Port: p}
	if lock != nil {
		sp.lock = lock
	}
	return sp, nil
}

// portError turns the serial library's errors into ours.
func portError(path string, err error) error {
	var pe *serial.PortError
	if errors.As(err, &pe) {
		switch pe.Code() {
		case serial.PortBusy:
			return fmt.Errorf("open %s: %w", path, ErrPortBusy)
		case serial.PortNotFound:
			return fmt.Errorf("open %s: %w", path, os.ErrNotExist)
		case serial.PermissionDenied:
			return fmt.Errorf("open %s: permission denied (add your user to the dialout group, or uucp on some systems): %w", path, os.ErrPermission)
		}
	}
	return fmt.Errorf("open %s: %w", path, err)
}

// usbPort is what the enumerator tells about a serial port.
type usbPort struct {
	Name    string
	IsUSB   bool
	VID     string
	PID     string
	Serial  string
	Product string
}

// listPorts lists the serial ports with their USB details.
func listPorts() ([]usbPort, error) {
	details, err := enumerator.GetDetailedPortsList()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	out := make([]usbPort, 0, len(details))
	for _, d := range details {
		out = append(out, usbPort{Name: d.Name, IsUSB: d.IsUSB, VID: d.VID, PID: d.PID, Serial: d.SerialNumber, Product: d.Product})
	}
	return out, nil
}
