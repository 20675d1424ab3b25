build-dbg/src/cli/cmd_hunt.o: src/cli/cmd_hunt.c src/cli/commands.h \
 src/core/buf.h src/detect/event.h src/core/arena.h src/core/err.h \
 src/detect/event_flat.h src/detect/query.h src/store/evstore.h
src/cli/commands.h:
src/core/buf.h:
src/detect/event.h:
src/core/arena.h:
src/core/err.h:
src/detect/event_flat.h:
src/detect/query.h:
src/store/evstore.h:
