build-dbg/src/cli/sigma_load.o: src/cli/sigma_load.c src/cli/sigma_load.h \
 src/core/err.h src/detect/sigma.h src/detect/event.h src/core/arena.h
src/cli/sigma_load.h:
src/core/err.h:
src/detect/sigma.h:
src/detect/event.h:
src/core/arena.h:
