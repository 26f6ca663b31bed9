#!/usr/bin/env bash
# hostile.sh - hostile inputs: a corpus of broken GGUF files (written by
# tests/fixtures/make_hostile_gguf.py), files that are no files (directory,
# devices, FIFO, symlink loop), a model without vocabulary, and hostile command
# lines. Each goes to `bench`, and where a model file matters to `quantize` and
# `synth --vocab-file`; each must end within 60 s with a non-zero exit below
# 128 (no signal), exactly one line on stderr naming the defect, and no output
# file. Usage: hostile.sh LLMBENCH [DATA_DIR]
set -u
bin="$1"
data="${2:-}"
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/lib.sh"
command -v python3 >/dev/null || { echo "python3 missing: skipped"; exit 77; }
h="$tmp/h"
out="$tmp/out"
mkdir -p "$out"
python3 "$here/../fixtures/make_hostile_gguf.py" "$h" || { bad "the generator failed"; finish; exit 1; }

# run NAME PATTERN CMD... : the checks above; output files go to $out
run() {
    local name="$1" pat="$2"; shift 2
    rm -rf "$out" && mkdir "$out"
    timeout 60 "$@" >"$tmp/stdout" 2>"$tmp/stderr"
    local rc=$? lines
    lines=$(wc -l < "$tmp/stderr")
    if [ $rc -eq 124 ]; then bad "$name: hung (killed after 60 s)"; return; fi
    if [ $rc -eq 0 ] || [ $rc -ge 128 ]; then bad "$name: exit status $rc: $(head -c 300 "$tmp/stderr")"; return; fi
    if [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr: $(head -c 600 "$tmp/stderr")"; return; fi
    if ! grep -qE -e "$pat" "$tmp/stderr"; then bad "$name: stderr '$(cat "$tmp/stderr")' lacks /$pat/"; return; fi
    if [ -n "$(ls -A "$out")" ]; then bad "$name: left behind: $(ls -A "$out")"; return; fi
    if [ -s "$tmp/stdout" ]; then bad "$name: wrote to stdout: $(head -c 200 "$tmp/stdout")"; return; fi
    ok
}
bench() { run "bench $1" "$2" "$bin" bench -m "$3" -p 8 -n 0 -r 1 --export-json "$out/r.json"; }
quant() { run "quantize $1" "$2" "$bin" quantize -m "$3" -q Q8_0 -O "$out" --quiet; }
vocab() { run "synth --vocab-file $1" "$2" "$bin" synth tiny --vocab-file "$3" -o "$out/s.gguf" --quiet; }
# all three commands, same defect
all3() { bench "$@"; quant "$@"; vocab "$@"; }

# --- GGUF defects: file name (in $h), what the message must say -------------
while IFS='|' read -r f pat; do
    [ -n "$f" ] || continue
    all3 "$f" "'$h/$f.gguf'.* $pat" "$h/$f.gguf"
done <<'EOF'
bad-magic|is not a GGUF file \(bad magic\)
version-1|has GGUF version 1; only versions 2 to 3 are supported
version-99|has GGUF version 99; only versions 2 to 3 are supported
big-endian|is a big-endian GGUF file
trunc-header|is corrupt or truncated: the GGUF header needs 8 bytes
trunc-key|is corrupt or truncated: the name of metadata key #0 needs
trunc-string|is corrupt or truncated: the value of metadata key 'general.name' needs
trunc-array|is corrupt or truncated: array 'tokenizer.ggml.tokens' of 5 elements needs
trunc-index|is corrupt or truncated: tensor index entry #0 needs
trunc-data|is truncated: 616 bytes, its tensors need 768
trunc-last-byte|is truncated: 767 bytes, its tensors need 768
tensors-2e40|claims 1099511627776 tensors
kv-2e40|claims 1099511627776 metadata keys
too-many-keys|claims 100000 metadata keys \(at most 16384
string-2e60|the value of metadata key 'general.name' is a string of 1152921504606846976 bytes
key-2e60|metadata key #0 has a name of 1152921504606846976 bytes
array-2e60|metadata key 'tokenizer.ggml.scores' is an array of 1152921504606846976 elements
array-of-arrays|metadata key 'nested' is an array of arrays
bad-kv-type|metadata key 'general.name' has unknown type 99
empty-key|metadata key #0 has an empty name
dup-key|metadata key 'general.name' appears twice
alignment-3|general.alignment 3 is not a power of two
alignment-string|general.alignment has type 8, not uint32
dims-overflow|tensor 'huge' has shape \[4294967296, 4294967296, 4294967296, 1\]: too many elements
dims-wrap|tensor 'wrap' has shape \[4294967296, 4294967296, 1, 1\]: too many elements
dims-negative|tensor 'neg' has a negative dimension \(-5\)
dims-9|tensor 'nine' has 9 dimensions
type-1234|tensor 'odd' has unknown ggml type id 1234
type-removed|tensor 'q4_2' has unknown ggml type id 4
row-not-block|tensor 'q4' of type q4_0 has rows of 33 elements, not a multiple of 32
name-too-long|tensor #0 has a name of 70 bytes
offset-outside|tensor 'output_norm.weight' has data offset 1099511627776, outside the file
offset-misaligned|tensor 'output_norm.weight' has data offset 161, not a multiple of the alignment 32
offset-gap|tensor 'output_norm.weight' has data offset 192 where 160 was expected
dup-tensor|tensor name 'same' appears twice
EOF
# defects that only matter to a model (a vocabulary file needs no tensors)
bench zero-tensors "holds no tensors" "$h/zero-tensors.gguf"
quant zero-tensors "holds no tensors" "$h/zero-tensors.gguf"
bench no-vocab "has no vocabulary \(no tokenizer.ggml.model key\)" "$h/no-vocab.gguf"
quant no-vocab "has no vocabulary \(no tokenizer.ggml.model key\)" "$h/no-vocab.gguf"
vocab no-vocab "vocabulary file '.*' has no tokens" "$h/no-vocab.gguf"
# padding a vocabulary (--vocab N) reads its token types and scores: they must fit
for f in types-strings:token_type types-short:token_type scores-u8:scores; do
    run "synth --vocab 64 ${f%%:*}" "tokenizer.ggml.${f#*:} \((int32|float32)\) is not an array of 5 values" \
        "$bin" synth tiny --vocab-file "$h/${f%%:*}.gguf" --vocab 64 -o "$out/s.gguf" --quiet
done

# --- things that are not model files ----------------------------------------
mkdir "$tmp/dir.gguf"
: > "$tmp/empty.gguf"
mkfifo "$tmp/fifo.gguf"
ln -s "$tmp/loop-b.gguf" "$tmp/loop-a.gguf"
ln -s "$tmp/loop-a.gguf" "$tmp/loop-b.gguf"
all3 directory "is a directory" "$tmp/dir.gguf"
all3 /dev/zero "'/dev/zero' is not a regular file" /dev/zero
all3 /dev/null "'/dev/null' is not a regular file" /dev/null
all3 fifo "fifo.gguf' is not a regular file" "$tmp/fifo.gguf"
bench empty "empty.gguf' is empty \(0 bytes\)" "$tmp/empty.gguf"
quant empty "empty.gguf' is empty \(0 bytes\)" "$tmp/empty.gguf"
vocab empty "empty.gguf' is empty \(0 bytes\)" "$tmp/empty.gguf"
all3 "symlink loop" "loop-a.gguf'?: Too many levels of symbolic links" "$tmp/loop-a.gguf"
all3 missing "nothing.gguf'?: No such file or directory" "$tmp/nothing.gguf"
if [ "$(id -u)" -ne 0 ]; then
    cp "$h/valid.gguf" "$tmp/noread.gguf" && chmod 000 "$tmp/noread.gguf"
    all3 unreadable "noread.gguf'?:? .*Permission denied" "$tmp/noread.gguf"
else
    echo "skipped: the unreadable-file case (running as root, which reads any file)"
fi

# --- a real model without its vocabulary --------------------------------------
model=""
[ -n "$data" ] && [ -f "$data/stories260K.gguf" ] && model="$data/stories260K.gguf"
if [ -z "$model" ] && "$bin" synth tiny -q Q4_0 -o "$tmp/tiny.gguf" --quiet >/dev/null 2>&1; then model="$tmp/tiny.gguf"; fi
if [ -n "$model" ] && python3 "$here/../fixtures/make_hostile_gguf.py" --strip-vocab "$model" "$tmp/novocab.gguf"; then
    bench "real model, no vocabulary" "novocab.gguf' has no vocabulary" "$tmp/novocab.gguf"
    quant "real model, no vocabulary" "novocab.gguf' has no vocabulary" "$tmp/novocab.gguf"
    vocab "real model, no vocabulary" "novocab.gguf' has no tokens" "$tmp/novocab.gguf"
else
    bad "no model to strip the vocabulary from"
fi

# --- semantic defects llama.cpp asserts on, in a sound file: every command --------
# (a real model with one value changed: refused before llama.cpp loads it, one line, exit 2)
if [ -n "$model" ] && python3 "$here/../fixtures/make_hostile_gguf.py" --semantic "$model" "$tmp/sem"; then
    printf 'The quick brown fox jumps over the lazy dog. %.0s' $(seq 1 40) > "$tmp/text.txt"
    every() { # NAME PATTERN FILE: bench, bench --no-isolate, quality, pipeline -m, quantize
        local f="$tmp/sem/$1.gguf"
        run "bench $1" "$2" "$bin" bench -m "$f" -p 8 -n 0 -r 1 --export-json "$out/r.json" --no-db
        run "bench --no-isolate $1" "$2" "$bin" bench -m "$f" -p 8 -n 0 -r 1 --no-isolate --export-json "$out/r.json" --no-db
        run "quality $1" "$2" "$bin" quality -m "$f" --ppl "$tmp/text.txt" -c 64 --force --save-ref "$out/ref" --no-db --quiet
        run "pipeline -m $1" "$2" "$bin" pipeline -m "$f" -q Q8_0 -O "$out" -p 8 -n 4 -r 1 --no-db --quiet
        run "quantize $1" "$2" "$bin" quantize -m "$f" -q Q8_0 -O "$out" --quiet
    }
    every block-count-0 "has [a-z0-9]+\.block_count 0: llama.cpp supports 1 to 512 layers"
    every block-count-max "block_count 4294967295: llama.cpp supports 1 to 512 layers"
    every alignment-1 "not a multiple of 32: llama.cpp needs tensor data aligned to 32 bytes \(general.alignment is 1"
    every rms-eps-nan "layer_norm_rms_epsilon nan: llama.cpp needs a finite epsilon"
    every dup-token "has tokens [0-9]+ and [0-9]+ with the same text"
    every nul-token "with the same text .*one holds a NUL byte"
    every empty-token "has byte token [0-9]+ with the text '' \(0 bytes\), not <0xXX>"
    every token-20k "has byte token [0-9]+ with the text 'x+\.\.\.' \(20000 bytes\)"
    every tokenizer-bert "has a 'bert' tokenizer with byte tokens"
    every tokenizer-none "has no vocabulary \(tokenizer.ggml.model 'none'\)"
else
    bad "no model to make the semantic defects from"
fi

# --- the valid corpus file cut at every 8th byte ------------------------------
size=$(stat -c %s "$h/valid.gguf")
for ((cut = 0; cut < size; cut += 8)); do
    head -c "$cut" "$h/valid.gguf" > "$tmp/cut.gguf"
    bench "cut at $cut" "cut.gguf' is (empty|too short|corrupt or truncated|truncated)" "$tmp/cut.gguf"
done

# --- hostile command lines (the kernel caps one argument at 128 KiB) --------
long=$(head -c 120000 /dev/zero | tr '\0' 'x')
commas=$(head -c 120000 /dev/zero | tr '\0' ',')
ones=$(for ((i = 0; i < 6000; i++)); do printf '1,'; done)1
run "-p invalid UTF-8" "^llmbench: error: -p: expected a number" "$bin" bench -m "$h/valid.gguf" -p $'\xff\xfe\xfd'
run "-m invalid UTF-8" "No such file or directory" "$bin" bench -m $'/tmp/\xff\xfe-\xc3\x28.gguf' -p 8 -n 0
run "-p 120 KB long" "^llmbench: error: -p: expected a number at 'xxx.*\.\.\.' in 'xxx.*\.\.\.'$" \
    "$bin" bench -m "$h/valid.gguf" -p "$long"
run "-m 120 KB long" "^llmbench: error: model '/xxx.*\.\.\.xxx.*': File name too long$" \
    "$bin" bench -m "/$long" -p 8 -n 0
run "-p 120000 commas" "^llmbench: error: -p: expected a number at ',,,.*\.\.\.' in" "$bin" bench -m x -p "$commas"
run "-p 6001 values" "-p: '1,1,1.*\.\.\.' expands to more than 4096 values" "$bin" bench -m x -p "$ones"
run "-m 6001 models" "-m: '1,1,1.*\.\.\.' has more than 4096 values" "$bin" bench -m "$ones"
run "-p 1-2147483647" "-p: '1-2147483647' expands to more than 4096 values" "$bin" bench -m x -p 1-2147483647
run "-ngl -1-2147483647" "-ngl: '-1-2147483647' expands to more than 4096" "$bin" bench -m x -ngl -1-2147483647
run "-p 1-2147483648" "-p: malformed range" "$bin" bench -m x -p 1-2147483648
run "-p 2147483647" "a test of 2147483647 tokens .* is over the limit of 16777216" "$bin" bench -m x -p 2147483647 -n 0
run "-d 2147483647" "a test of 2147483775 tokens" "$bin" bench -m x -p 1 -d 2147483647
run "-pg INT_MAX,INT_MAX" "a test of 4294967294 tokens" "$bin" bench -m x -pg 2147483647,2147483647
run "-p 1-16777216*2" "model 'x': No such file" "$bin" bench -m x -p '1-16777216*2' -n 0
run "-fa 120 KB long" "flash attention value 'xxx.*\.\.\.' is not on/off/auto" "$bin" bench -m x -fa "$long"

finish
