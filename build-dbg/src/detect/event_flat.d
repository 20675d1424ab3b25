build-dbg/src/detect/event_flat.o: src/detect/event_flat.c \
 src/detect/event_flat.h src/detect/event.h src/core/arena.h \
 src/core/err.h
src/detect/event_flat.h:
src/detect/event.h:
src/core/arena.h:
src/core/err.h:
