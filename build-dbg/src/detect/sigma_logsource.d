build-dbg/src/detect/sigma_logsource.o: src/detect/sigma_logsource.c \
 src/detect/sigma_int.h src/core/arena.h src/detect/sigma.h \
 src/core/err.h src/detect/event.h
src/detect/sigma_int.h:
src/core/arena.h:
src/detect/sigma.h:
src/core/err.h:
src/detect/event.h:
