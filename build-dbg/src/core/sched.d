build-dbg/src/core/sched.o: src/core/sched.c src/core/sched.h \
 src/core/alloc.h src/core/err.h
src/core/sched.h:
src/core/alloc.h:
src/core/err.h:
