//go:build js && wasm

package main

import (
	"syscall/js"
)

// The MIME explorer's functions on globalThis.mailwire. They convert values
// and call mime_docs.go; each returns its result or an Error object (the
// worker checks instanceof Error) and never throws. JavaScript calls them
// one at a time from the worker's event loop.
//
//	mimeLoad(doc, Uint8Array)            JSON [[start,end],...]: the messages (an mbox has several)
//	mimeParse(doc, index)                {json, parseMs, modelMs}: the model of message index
//	mimeBody(doc, index, path, kind)     Uint8Array: "body", "text", "raw", "source" or "att:N"
//	mimeClose(doc)                       forgets the document

var docs = newMIMEDocs()

// addMIME adds the explorer's functions to the API object main exports.
// They live as long as the worker, so they are never released.
func addMIME(api map[string]any) {
	api["mimeLoad"] = js.FuncOf(mimeLoad)
	api["mimeParse"] = js.FuncOf(mimeParse)
	api["mimeBody"] = js.FuncOf(mimeBody)
	api["mimeClose"] = js.FuncOf(mimeClose)
}

func jsError(msg string) js.Value { return js.Global().Get("Error").New(msg) }

// mimeLoad copies the bytes into Go memory once; the caller may then drop
// or transfer its buffer.
func mimeLoad(this js.Value, args []js.Value) any {
	if len(args) < 2 || args[1].Type() != js.TypeObject {
		return jsError("mimeLoad: want (doc, Uint8Array)")
	}
	data := make([]byte, args[1].Get("length").Int())
	js.CopyBytesToGo(data, args[1])
	return rangesJSON(docs.load(args[0].Int(), data))
}

func mimeParse(this js.Value, args []js.Value) any {
	if len(args) < 2 {
		return jsError("mimeParse: want (doc, index)")
	}
	res, err := docs.parse(args[0].Int(), args[1].Int())
	if err != nil {
		return jsError(err.Error())
	}
	o := js.Global().Get("Object").New()
	o.Set("json", string(res.JSON))
	o.Set("parseMs", res.ParseMs)
	o.Set("modelMs", res.ModelMs)
	return o
}

// mimeBody returns a fresh Uint8Array the worker can transfer to the page.
func mimeBody(this js.Value, args []js.Value) any {
	if len(args) < 4 {
		return jsError("mimeBody: want (doc, index, path, kind)")
	}
	b, err := docs.body(args[0].Int(), args[1].Int(), args[2].String(), args[3].String())
	if err != nil {
		return jsError(err.Error())
	}
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	return u8
}

func mimeClose(this js.Value, args []js.Value) any {
	if len(args) > 0 {
		docs.close(args[0].Int())
	}
	return nil
}
