build-dbg/src/cli/cmd_validate.o: src/cli/cmd_validate.c \
 src/cli/commands.h src/core/err.h src/scenario/scenario.h \
 src/model/world.h src/core/arena.h src/scenario/diag.h
src/cli/commands.h:
src/core/err.h:
src/scenario/scenario.h:
src/model/world.h:
src/core/arena.h:
src/scenario/diag.h:
