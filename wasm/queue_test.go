package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"testing"
	"time"
)

func TestQueueOrderAndEnd(t *testing.T) {
	q := newQueue()
	q.push([]byte("220 hello\r\n"))
	q.push([]byte("250-a\r\n"))
	q.push([]byte("250 b\r\n"))
	q.end(io.EOF)
	got, err := io.ReadAll(readerFunc(q.read))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "220 hello\r\n250-a\r\n250 b\r\n" {
		t.Fatalf("got %q", got)
	}
	q.push([]byte("late")) // after the end: dropped
	if n, err := q.read(make([]byte, 10)); n != 0 || err != io.EOF {
		t.Fatalf("after end: %d, %v", n, err)
	}
}

func TestQueueSmallReads(t *testing.T) {
	q := newQueue()
	q.push([]byte("abcdef"))
	p := make([]byte, 4)
	var out bytes.Buffer
	for out.Len() < 6 {
		n, err := q.read(p)
		if err != nil {
			t.Fatal(err)
		}
		out.Write(p[:n])
	}
	if out.String() != "abcdef" {
		t.Fatalf("got %q", out.String())
	}
}

func TestQueueBlocksUntilPush(t *testing.T) {
	q := newQueue()
	done := make(chan string)
	go func() {
		p := make([]byte, 10)
		n, _ := q.read(p)
		done <- string(p[:n])
	}()
	time.Sleep(20 * time.Millisecond)
	q.push([]byte("x"))
	select {
	case s := <-done:
		if s != "x" {
			t.Fatalf("got %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read did not wake on push")
	}
}

func TestQueueDeadline(t *testing.T) {
	q := newQueue()
	q.setDeadline(time.Now().Add(30 * time.Millisecond))
	if _, err := q.read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
	// A deadline set in the past while a read is blocked wakes it.
	q.setDeadline(time.Time{})
	done := make(chan error)
	go func() { _, err := q.read(make([]byte, 1)); done <- err }()
	time.Sleep(20 * time.Millisecond)
	q.setDeadline(time.Unix(1, 0))
	select {
	case err := <-done:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("err = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("blocked read ignored a new deadline")
	}
}

func TestQueueFull(t *testing.T) {
	q := newQueue()
	q.push(make([]byte, maxQueued))
	q.push([]byte("x"))
	p := make([]byte, maxQueued)
	n, err := io.ReadFull(readerFunc(q.read), p)
	if n != maxQueued || err != nil {
		t.Fatalf("read %d, %v", n, err)
	}
	if _, err := q.read(p); !errors.Is(err, errQueueFull) {
		t.Fatalf("err = %v, want errQueueFull", err)
	}
}
