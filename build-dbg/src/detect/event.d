build-dbg/src/detect/event.o: src/detect/event.c src/detect/event.h \
 src/core/arena.h src/core/err.h src/core/buf.h
src/detect/event.h:
src/core/arena.h:
src/core/err.h:
src/core/buf.h:
