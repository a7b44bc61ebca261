#!/usr/bin/env bash
# Downloads public datasets snac's examples use, for users with internet access.
#   scripts/fetch_data.sh [--dir DIR] NAME [ARGS]
# NAME: mnist | fashion_mnist | jets_hlf | jets_constituents [30|50|100|150] | list
# Files go to DIR/<name>/ (default: ./data, which snac searches after $SNAC_DATA_DIR). Downloads
# are checked against the published MD5 sums where there are any, and written atomically
# (*.part, then rename), so an interrupted run leaves nothing that looks complete.
# See docs/data-format.md for how to import each one.
set -euo pipefail

dest="./data"
if [ "${1:-}" = "--dir" ]; then
    [ $# -ge 2 ] || { echo "fetch_data.sh: --dir needs a directory" >&2; exit 2; }
    dest="$2"; shift 2
fi
name="${1:-}"

usage() {
    cat >&2 <<'USAGE'
usage: scripts/fetch_data.sh [--dir DIR] NAME [ARGS]
  mnist                      MNIST IDX files (4 files, 11 MB)          -> DIR/mnist/
  fashion_mnist              Fashion-MNIST IDX files (4 files, 30 MB)  -> DIR/fashion_mnist/
  jets_hlf                   hls4ml LHC jets, 16 high-level features, OpenML 42468 (~830k jets)
                                                                       -> DIR/jets_hlf/jets_hlf.csv.gz
  jets_constituents [N]      hls4ml LHC jet constituents, N = 30 (default), 50, 100 or 150
                             particles per jet, validation tarball from Zenodo 3602260 (large)
                                                                       -> DIR/jets_constituents_Np/*.h5
  list                       print this list
USAGE
}

fetch() {  # url, output file, [md5]
    local url="$1" out="$2" md5="${3:-}"
    if [ -s "$out" ] && { [ -z "$md5" ] || [ "$(md5sum "$out" | cut -d' ' -f1)" = "$md5" ]; }; then
        echo "have $out"
        return 0
    fi
    echo "downloading $url"
    mkdir -p "$(dirname "$out")"
    if command -v curl >/dev/null; then
        curl -fL --retry 3 -o "$out.part" "$url" || { rm -f "$out.part"; echo "fetch_data.sh: download failed: $url (check your internet connection or proxy)" >&2; exit 1; }
    elif command -v wget >/dev/null; then
        wget -q -O "$out.part" "$url" || { rm -f "$out.part"; echo "fetch_data.sh: download failed: $url (check your internet connection or proxy)" >&2; exit 1; }
    else
        echo "fetch_data.sh: needs curl or wget (apt-get install curl)" >&2; exit 1
    fi
    if [ -n "$md5" ] && [ "$(md5sum "$out.part" | cut -d' ' -f1)" != "$md5" ]; then
        rm -f "$out.part"
        echo "fetch_data.sh: $url: MD5 mismatch (expected $md5); the mirror may have changed" >&2
        exit 1
    fi
    mv "$out.part" "$out"
}

case "$name" in
    mnist)
        # Mirror of yann.lecun.com/exdb/mnist (which often refuses scripted downloads).
        base="https://ossci-datasets.s3.amazonaws.com/mnist"
        fetch "$base/train-images-idx3-ubyte.gz" "$dest/mnist/train-images-idx3-ubyte.gz" f68b3c2dcbeaaa9fbdd348bbdeb94873
        fetch "$base/train-labels-idx1-ubyte.gz" "$dest/mnist/train-labels-idx1-ubyte.gz" d53e105ee54ea40749a09fcbcd1e9432
        fetch "$base/t10k-images-idx3-ubyte.gz" "$dest/mnist/t10k-images-idx3-ubyte.gz" 9fb629c4189551a2d022fa330f9573f3
        fetch "$base/t10k-labels-idx1-ubyte.gz" "$dest/mnist/t10k-labels-idx1-ubyte.gz" ec29112dd5afa0611ce80d1b7f02629c
        echo "import: snac data import --format idx --images mnist/train-images-idx3-ubyte.gz --labels mnist/train-labels-idx1-ubyte.gz --resize 8x8 --name mnist8x8_train"
        ;;
    fashion_mnist)
        base="http://fashion-mnist.s3-website.eu-central-1.amazonaws.com"
        fetch "$base/train-images-idx3-ubyte.gz" "$dest/fashion_mnist/train-images-idx3-ubyte.gz" 8d4fb7e6c68d591d4c3dfef9ec88bf0d
        fetch "$base/train-labels-idx1-ubyte.gz" "$dest/fashion_mnist/train-labels-idx1-ubyte.gz" 25c81989df183df01b3e8a0aad5dffbe
        fetch "$base/t10k-images-idx3-ubyte.gz" "$dest/fashion_mnist/t10k-images-idx3-ubyte.gz" bef4ecab320f06d8554ea6380940ec79
        fetch "$base/t10k-labels-idx1-ubyte.gz" "$dest/fashion_mnist/t10k-labels-idx1-ubyte.gz" bb300cfdad3c16e7a12a480ee83cd310
        echo "import: snac data import --format idx --images fashion_mnist/t10k-images-idx3-ubyte.gz --labels fashion_mnist/t10k-labels-idx1-ubyte.gz --name fashion_t10k"
        ;;
    jets_hlf)
        # OpenML serves the table as ARFF; its description names the current file URL.
        command -v python3 >/dev/null || { echo "fetch_data.sh: jets_hlf needs python3 to read OpenML's JSON" >&2; exit 1; }
        meta="$(mktemp)"; trap 'rm -f "$meta"' EXIT
        fetch "https://www.openml.org/api/v1/json/data/42468" "$meta.json"
        url="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["data_set_description"]["url"])' "$meta.json")"
        rm -f "$meta.json"
        fetch "$url" "$dest/jets_hlf/hls4ml_lhc_jets_hlf.arff"
        out="$dest/jets_hlf/jets_hlf.csv.gz"
        # ARFF -> CSV: attribute names become the header, the @data rows are already CSV.
        awk 'BEGIN { data = 0; header = "" }
             data { if ($0 !~ /^[[:space:]]*(%|$)/) print; next }
             tolower($1) == "@attribute" { n = $2; gsub(/^'"'"'|'"'"'$/, "", n); header = header (header == "" ? "" : ",") n; next }
             tolower($1) == "@data" { print header; data = 1 }' "$dest/jets_hlf/hls4ml_lhc_jets_hlf.arff" | gzip > "$out.part"
        mv "$out.part" "$out"
        rm -f "$dest/jets_hlf/hls4ml_lhc_jets_hlf.arff"
        echo "wrote $out"
        echo "import: snac data import --format jets_hlf --file jets_hlf/jets_hlf.csv.gz --split 0.8,0,0.2 --name jets_hlf"
        ;;
    jets_constituents)
        n="${2:-30}"
        case "$n" in 30|50|100|150) ;; *) echo "fetch_data.sh: particles per jet must be 30, 50, 100 or 150 (got '$n')" >&2; exit 2 ;; esac
        tarball="$dest/jets_constituents_${n}p/hls4ml_LHCjet_${n}p_val.tar.gz"
        fetch "https://zenodo.org/record/3602260/files/hls4ml_LHCjet_${n}p_val.tar.gz" "$tarball"
        tar -xzf "$tarball" -C "$dest/jets_constituents_${n}p"
        rm -f "$tarball"
        # Flatten the tarball's inner folders so the directory itself can be imported.
        find "$dest/jets_constituents_${n}p" -mindepth 2 -name '*.h5' -exec mv -t "$dest/jets_constituents_${n}p" {} +
        echo "extracted $(find "$dest/jets_constituents_${n}p" -maxdepth 1 -name '*.h5' | wc -l) files into $dest/jets_constituents_${n}p"
        echo "import: snac data import --format jets_constituents --file jets_constituents_${n}p --n-particles 8 --features pt,eta,phi --normalize robust --name jets8"
        ;;
    list|-h|--help) usage ;;
    "") usage; exit 2 ;;
    *) echo "fetch_data.sh: unknown dataset '$name'" >&2; usage; exit 2 ;;
esac
