// Command texting is Texting Centre: an SMS campaign desk for an operator with
// a drawer of Huawei USB GSM dongles or an SMS gateway account.
package main

import (
	"os"

	"github.com/texting-centre/texting/internal/cli"
)

func main() {
	os.Exit(cli.Main())
}
