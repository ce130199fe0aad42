//go:build race

package phone

func init() { raceBuild = true }
