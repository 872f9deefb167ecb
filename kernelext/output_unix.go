//go:build unix

package kernelext

import (
	"errors"

	"golang.org/x/sys/unix"
)

// takeOutput gives a worker that starts serving the stdout and stderr its parent passed
// as fds 5 and 6 (see the protocol), in place of those it started with.
func takeOutput() error {
	for fd := 3; fd <= 6; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err != nil {
			return errors.New("started without its pipes")
		}
	}
	if err := unix.Dup2(5, 1); err != nil {
		return err
	}
	if err := unix.Dup2(6, 2); err != nil {
		return err
	}
	_ = unix.Close(5)
	_ = unix.Close(6)
	return nil
}
