package cli

import (
	"log/slog"
	"syscall"
)

// fileReserve is the share of the process's file limit kept for what is
// not a stream: the listeners, the database pool, plain HTTP requests,
// the SQLite files, logs.
const fileReserve = 5 // one fifth, and at least minFileReserve
const minFileReserve = 128

// raiseFileLimit raises the soft limit on open files to the hard one
// (Go's runtime does so too on most Unix systems; this makes it explicit
// and reads the result) and returns the soft limit, 0 when unknown.
func raiseFileLimit(logger *slog.Logger) uint64 {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		logger.Warn("cannot read the open-file limit", "err", err)
		return 0
	}
	if lim.Cur < lim.Max {
		raised := lim
		raised.Cur = raised.Max
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &raised); err != nil {
			logger.Warn("cannot raise the open-file limit", "soft", lim.Cur, "hard", lim.Max, "err", err)
			return lim.Cur
		}
		lim = raised
	}
	return lim.Cur
}

// fitStreams returns the cap on open streams that keeps them below the
// file limit: requested, or less when it would leave too little room for
// everything else. 0 (no cap asked) is given the whole room. With the
// limit unknown (0) requested stands.
func fitStreams(requested int, fileLimit uint64) int {
	if fileLimit == 0 {
		return requested
	}
	reserve := max(fileLimit/fileReserve, minFileReserve)
	room := 1 // even at a tiny limit, one stream rather than none or all
	if fileLimit > reserve+1 {
		room = int(min(fileLimit-reserve, uint64(1<<30)))
	}
	if requested <= 0 || requested > room {
		return room
	}
	return requested
}
