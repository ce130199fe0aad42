package modem

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sysUSBRoot is where Linux lists USB devices.
const sysUSBRoot = "/sys/bus/usb/devices"

// scanUSB lists the Huawei devices under root (a sysfs USB devices folder)
// and tells, for those without serial ports, whether they look like a
// CD-ROM-mode or a HiLink stick.
func scanUSB(root string) []usbStick {
	entries, err := os.ReadDir(root)
	if err != nil {
		return nil
	}
	var out []usbStick
	for _, e := range entries {
		name := e.Name()
		if strings.Contains(name, ":") {
			continue // an interface, not a device
		}
		dev := filepath.Join(root, name)
		if !strings.EqualFold(readSys(dev, "idVendor"), HuaweiVendorID) {
			continue
		}
		s := usbStick{VID: HuaweiVendorID, PID: strings.ToLower(readSys(dev, "idProduct")), Product: readSys(dev, "product")}
		ifaces, _ := filepath.Glob(dev + "/" + name + ":*")
		storage, network := false, false
		for _, ifc := range ifaces {
			if m, _ := filepath.Glob(ifc + "/ttyUSB*"); len(m) > 0 {
				s.HasTTY = true
			}
			if m, _ := filepath.Glob(ifc + "/tty/*"); len(m) > 0 {
				s.HasTTY = true
			}
			switch readSys(ifc, "bInterfaceClass") {
			case "08":
				storage = true
			case "02", "0a", "e0":
				network = true
			}
			if drv, err := os.Readlink(filepath.Join(ifc, "driver")); err == nil {
				switch filepath.Base(drv) {
				case "cdc_ether", "rndis_host", "huawei_cdc_ncm", "cdc_ncm":
					network = true
				}
			}
		}
		if !s.HasTTY {
			switch {
			case hilinkPIDs[s.PID], network:
				s.Mode = "hilink"
			case cdromPIDs[s.PID], storage:
				s.Mode = "cdrom"
			}
		}
		out = append(out, s)
	}
	return out
}

func readSys(dir, file string) string {
	b, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// portInterface is the USB interface number of a ttyUSB port.
func portInterface(port string) (int, bool) {
	dev := filepath.Join("/sys/class/tty", filepath.Base(port), "device")
	s := readSys(dev, "../bInterfaceNumber")
	if s == "" {
		s = readSys(dev, "bInterfaceNumber")
	}
	n, err := strconv.ParseInt(s, 16, 32)
	return int(n), err == nil && s != ""
}
