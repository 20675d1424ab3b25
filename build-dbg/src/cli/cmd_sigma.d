build-dbg/src/cli/cmd_sigma.o: src/cli/cmd_sigma.c src/cli/commands.h \
 src/cli/sigma_load.h src/core/err.h src/detect/sigma.h \
 src/detect/event.h src/core/arena.h
src/cli/commands.h:
src/cli/sigma_load.h:
src/core/err.h:
src/detect/sigma.h:
src/detect/event.h:
src/core/arena.h:
