package pdu

import "fmt"

// StatusCategory sorts a status report's TP-ST (TS 23.040 §9.2.3.15):
// "delivered" when the transaction is complete (0x00-0x1F), "pending" while
// the SC is still trying (0x20-0x3F), "failed" when it has given up
// (0x40-0x7F). Reserved values (0x80-0xFF) are taken as "service rejected",
// as the spec says, and so are failed.
func StatusCategory(st int) string {
	switch {
	case st >= 0x00 && st <= 0x1F:
		return "delivered"
	case st >= 0x20 && st <= 0x3F:
		return "pending"
	}
	return "failed"
}

// statusMeaning is the meaning of the TP-ST values TS 23.040 defines; "" for
// reserved and SC-specific ones.
func statusMeaning(st int) string {
	switch st {
	case 0x00:
		return "delivered: received by the recipient"
	case 0x01:
		return "delivered: forwarded to the recipient, delivery not confirmed"
	case 0x02:
		return "delivered: replaced by the service centre"
	case 0x20:
		return "pending: congestion"
	case 0x21:
		return "pending: recipient busy"
	case 0x22:
		return "pending: no response from recipient"
	case 0x23:
		return "pending: service rejected"
	case 0x24:
		return "pending: quality of service not available"
	case 0x25:
		return "pending: error in recipient"
	case 0x40:
		return "failed: remote procedure error"
	case 0x41:
		return "failed: incompatible destination"
	case 0x42:
		return "failed: connection rejected by recipient"
	case 0x43:
		return "failed: not obtainable"
	case 0x44:
		return "failed: quality of service not available"
	case 0x45:
		return "failed: no interworking available"
	case 0x46:
		return "expired: validity period expired"
	case 0x47:
		return "failed: deleted by the sender"
	case 0x48:
		return "failed: deleted by service centre administration"
	case 0x49:
		return "failed: message does not exist"
	case 0x60:
		return "failed: congestion, no more attempts"
	case 0x61:
		return "failed: recipient busy, no more attempts"
	case 0x62:
		return "failed: no response from recipient, no more attempts"
	case 0x63:
		return "failed: service rejected, no more attempts"
	case 0x64:
		return "failed: quality of service not available, no more attempts"
	case 0x65:
		return "failed: error in recipient, no more attempts"
	}
	return ""
}

// StatusText gives the meaning of a status report's TP-ST, led by its
// category ("delivered: received by the recipient", "expired: validity period
// expired", "failed: …").
func StatusText(st int) string {
	if t := statusMeaning(st); t != "" {
		return t
	}
	switch {
	case st < 0 || st > 0xFF:
		return fmt.Sprintf("invalid status %d", st)
	case st >= 0x80:
		return fmt.Sprintf("failed: reserved status 0x%02X (taken as service rejected)", st)
	case st&0x1F >= 0x10:
		return fmt.Sprintf("%s: service-centre-specific status 0x%02X", StatusCategory(st), st)
	}
	return fmt.Sprintf("%s: reserved status 0x%02X", StatusCategory(st), st)
}
