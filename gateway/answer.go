package gateway

import (
	"fmt"
	"strconv"
	"strings"
)

// splitLines splits an answer into lines, accepting \n and \r\n.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Split(s, "\n")
}

// cutField splits "STATUS: rest" at its first colon, trimming both sides.
func cutField(s string) (head, rest string, ok bool) {
	head, rest, ok = strings.Cut(s, ":")
	return strings.TrimSpace(head), strings.TrimSpace(rest), ok
}

// parseSendAnswer reads the answer to a send: one `OK: <number>: <ref>` or
// `BAD: <number>: <reason>` line per recipient, or `ERROR: <reason>` lines.
// numbers are the recipients as the caller gave them; Results come back in
// that order. An answer that does not account for every recipient is an
// unknown outcome, and then only the recipients it did account for are
// returned.
func parseSendAnswer(lines []string, complete bool, numbers []string) ([]Result, error) {
	wire := make([]string, len(numbers))
	for i, n := range numbers {
		wire[i] = strings.TrimPrefix(strings.TrimSpace(n), "+")
	}
	answered := make([]*Result, len(numbers))
	conflicted := make([]bool, len(numbers))
	var rejections, problems []string
	perRecipient := 0
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		status, rest, ok := cutField(line)
		if !ok {
			problems = append(problems, fmt.Sprintf("line %q not understood", clip(line)))
			continue
		}
		switch strings.ToUpper(status) {
		case "ERROR":
			rejections = append(rejections, rest)
			continue
		case "OK", "BAD":
		default:
			problems = append(problems, fmt.Sprintf("line %q not understood", clip(line)))
			continue
		}
		perRecipient++
		number, detail, _ := cutField(rest)
		r := Result{OK: strings.EqualFold(status, "OK")}
		if r.OK {
			if detail == "" {
				problems = append(problems, fmt.Sprintf("line %q has no provider reference", clip(line)))
				continue
			}
			r.ProviderRef = detail
		} else {
			r.Reason = detail
		}
		i := matchNumber(number, wire)
		if i < 0 {
			problems = append(problems, fmt.Sprintf("line %q names no recipient of this request", clip(line)))
			continue
		}
		r.Number = numbers[i]
		if prev := answered[i]; conflicted[i] || (prev != nil && *prev != r) {
			if !conflicted[i] {
				problems = append(problems, fmt.Sprintf("recipient %s answered twice, differently", numbers[i]))
			}
			conflicted[i], answered[i] = true, nil
			continue
		}
		answered[i] = &r
	}

	if len(rejections) > 0 {
		if perRecipient == 0 {
			return nil, &RejectedError{Reason: strings.Join(rejections, "; ")}
		}
		problems = append(problems, "ERROR and per-recipient lines in one answer")
		return nil, unknownAnswer(problems, complete)
	}

	results := make([]Result, 0, len(numbers))
	missing := 0
	for _, r := range answered {
		if r == nil {
			missing++
			continue
		}
		results = append(results, *r)
	}
	if missing == 0 {
		// Every recipient is accounted for; stray lines do not change that.
		return results, nil
	}
	problems = append(problems, fmt.Sprintf("no answer for %d of %d recipients", missing, len(numbers)))
	if len(results) == 0 {
		results = nil
	}
	return results, unknownAnswer(problems, complete)
}

// unknownAnswer is the error for an answer that leaves some outcome unknown.
func unknownAnswer(problems []string, complete bool) error {
	if !complete {
		problems = append([]string{"answer broke off"}, problems...)
	}
	if len(problems) > 4 {
		problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
	}
	return fmt.Errorf("%w: %w: %s", ErrUnknownOutcome, ErrBadAnswer, strings.Join(problems, "; "))
}

// parseBalanceAnswer reads `OK: <credits>` or `ERROR: <reason>`.
func parseBalanceAnswer(lines []string, complete bool) (int, error) {
	for _, line := range lines {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		status, rest, ok := cutField(line)
		switch {
		case ok && strings.EqualFold(status, "ERROR"):
			return 0, &RejectedError{Reason: rest}
		case ok && strings.EqualFold(status, "OK"):
			credits, err := strconv.Atoi(rest)
			if err != nil || credits < 0 {
				return 0, fmt.Errorf("%w: balance %q is not a number of credits", ErrBadAnswer, clip(rest))
			}
			return credits, nil
		default:
			return 0, fmt.Errorf("%w: line %q", ErrBadAnswer, clip(line))
		}
	}
	if !complete {
		return 0, fmt.Errorf("%w: answer broke off", ErrBadAnswer)
	}
	return 0, fmt.Errorf("%w: empty answer", ErrBadAnswer)
}

// matchNumber finds the recipient an answer line is about: the same digits,
// or the same number in national form (the provider may answer 0412345678 for
// 61412345678). It returns -1 when none or more than one recipient matches.
func matchNumber(answered string, wire []string) int {
	a := strings.TrimPrefix(answered, "+")
	if a == "" || !allDigits(a) {
		return -1
	}
	for i, w := range wire {
		if w == a {
			return i
		}
	}
	found := -1
	for i, w := range wire {
		if nationalOf(a, w) || nationalOf(w, a) {
			if found >= 0 {
				return -1
			}
			found = i
		}
	}
	return found
}

// nationalOf reports whether national (with or without its trunk 0) is the
// national form of international (a country code of 1 to 3 digits followed by
// the national number).
func nationalOf(national, international string) bool {
	n := strings.TrimLeft(national, "0")
	cc := len(international) - len(n)
	return len(n) >= 8 && cc >= 1 && cc <= 3 && strings.HasSuffix(international, n)
}

// clip shortens a piece of an answer for an error message.
func clip(s string) string {
	const max = 80
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
