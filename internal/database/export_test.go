package database

// What the external tests reach of the package's inside.
var (
	IsRead     = isRead
	BufferRows = bufferRows
	Replayed   = replayed
)
