// Package webapp embeds the built web application (dist/, written by
// web/build) and serves it.
//
// Hashed assets (assets/*-HASH.*) are served with a year-long immutable cache
// lifetime; everything else must be revalidated. Where a pre-compressed copy
// exists (NAME.br, NAME.gz) and the client accepts it, that copy is sent with
// Content-Encoding, so the WASM crosses the network brotli-compressed without
// compressing on each request.
//
// dist/ is gitignored except for a placeholder, so a fresh clone compiles;
// until the app is built the server answers with a page saying how to build it.
package webapp
