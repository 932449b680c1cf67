# Convenience front end over CMake.  The two commands of the README:
#   make run     build (Release) and run the main job: claimset storm
#   make check   the whole test suite (what CI runs)
# and: make check-xen (boots Xen 4.17 in QEMU and runs the Xen backend's
# tests in dom0; installs what it needs with apt-get), make xen-hv
# (Debian's Xen 4.17 with the project's claims engine, build/xen-hv/xen.gz),
# make check-xen-hv (that Xen booted in QEMU with the claim-set tests in
# dom0; docs/xen-hv.md), make soak (long randomised runs with fresh seeds,
# SOAK_ROUNDS and SOAK_SCALE set the step budget), make install (the
# Release library, the command, the man pages and the bash completion),
# make docs (the Sphinx site in build/docs/html and the man pages, warnings
# as errors), make man (refresh the committed man pages in docs/man/ after
# editing their sources).
# Build trees live under build/ (one per configuration).

JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE ?= cmake

.PHONY: run release debug check check-xen soak format format-check install bench clean xen-hv \
        check-xen-hv docs man

release:
	$(CMAKE) -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DCLAIMSET_CHECKS=OFF >/dev/null
	$(CMAKE) --build build/release -j $(JOBS)

debug:
	$(CMAKE) -S . -B build/debug -DCMAKE_BUILD_TYPE=Debug -DCLAIMSET_CHECKS=ON >/dev/null
	$(CMAKE) --build build/debug -j $(JOBS)

run: release
	./build/release/tools/claimset/claimset storm

check:
	./scripts/check.sh

check-xen:
	JOBS=$(JOBS) ./xen/check-xen.sh

soak:
	./scripts/soak.sh

xen-hv:
	./xen/hv/build.sh

check-xen-hv:
	./xen/hv/check.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

install: release
	$(CMAKE) --install build/release --prefix $(or $(PREFIX),/usr/local)

docs:
	./scripts/docs.sh

man:
	./scripts/docs.sh man

# The comparison with the textbook baseline (instructions under callgrind
# when valgrind is installed, and CPU time), then the core figures.
bench: release
	./bench/compare.sh build/release
	./bench/storm.sh build/release
	./build/release/bench/bench_heap

clean:
	rm -rf build
