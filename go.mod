module github.com/mailwire/mailwire

go 1.26.0

require (
	github.com/emersion/go-smtp v0.25.1
	github.com/gorilla/websocket v1.5.3
)

require github.com/emersion/go-sasl v0.0.0-20241020182733-b788ff22d5a6 // indirect
