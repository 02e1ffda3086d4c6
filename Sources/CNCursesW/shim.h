#ifndef MODELBRIDGE_CNCURSESW_SHIM_H
#define MODELBRIDGE_CNCURSESW_SHIM_H
/* Wide-character curses must be asked for before <curses.h>; SwiftPM drops pkg-config -D flags. */
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/ncurses.h>

/* Swift 6 rejects C globals and does not import macro expressions: wrap them. */
static inline WINDOW *cnc_stdscr(void) { return stdscr; }
static inline WINDOW *cnc_curscr(void) { return curscr; }
static inline int cnc_lines(void) { return LINES; }
static inline int cnc_cols(void) { return COLS; }
static inline int cnc_colors(void) { return COLORS; }
static inline int cnc_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t cnc_a_normal(void) { return A_NORMAL; }
static inline attr_t cnc_a_bold(void) { return A_BOLD; }
static inline attr_t cnc_a_dim(void) { return A_DIM; }
static inline attr_t cnc_a_reverse(void) { return A_REVERSE; }
static inline attr_t cnc_a_underline(void) { return A_UNDERLINE; }
static inline const cchar_t *cnc_wacs_hline(void) { return WACS_HLINE; }
static inline const cchar_t *cnc_wacs_vline(void) { return WACS_VLINE; }

/* True when the current LC_CTYPE encodes UTF-8. */
static inline int cnc_locale_is_utf8(void) {
    const char *codeset = nl_langinfo(CODESET);
    return codeset != NULL && (strcmp(codeset, "UTF-8") == 0 || strcmp(codeset, "utf8") == 0);
}

/* Draws one cell: up to CCHARW_MAX wide characters (a base and its combining marks), 0-terminated. */
static inline int cnc_put_cell(int y, int x, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

/*
 * Terminal restore on signals and exit. The handler only calls async-signal-safe functions:
 * tcsetattr and write (endwin is not safe). It then reinstalls the previous action (the Swift
 * backtracer or the default) and re-raises asynchronous signals; for synchronous faults it
 * returns so the faulting instruction runs again under the previous handler.
 * Call these functions from one Swift file only: static state is per translation unit.
 */
/* State lives in function-local statics: Swift's importer emits those, not file-scope ones. */
static inline struct termios *cnc_saved_termios(void) { static struct termios saved; return &saved; }
static inline volatile sig_atomic_t *cnc_restore_armed(void) { static volatile sig_atomic_t armed = 0; return &armed; }
static inline struct sigaction *cnc_previous_actions(void) { static struct sigaction previous[NSIG]; return previous; }
static const int cnc_restore_signals[] = {SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGABRT,
                                          SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP};

static inline void cnc_restore_terminal_now(void) {
    if (!*cnc_restore_armed()) return;
    *cnc_restore_armed() = 0;
    tcsetattr(STDIN_FILENO, TCSANOW, cnc_saved_termios());
    static const char sequence[] = "\033[?1000l\033[0m\033[?25h\033[?1049l";
    ssize_t ignored = write(STDOUT_FILENO, sequence, sizeof(sequence) - 1);
    (void)ignored;
}

static inline void cnc_restore_signal_handler(int signal_number) {
    cnc_restore_terminal_now();
    sigaction(signal_number, &cnc_previous_actions()[signal_number], NULL);
    switch (signal_number) {
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGTRAP: return;
    default: raise(signal_number);
    }
}

static inline void cnc_restore_at_exit(void) { cnc_restore_terminal_now(); }

/* Saves the terminal modes and arms restore on signals and exit; returns 0 when stdin is no tty. */
static inline int cnc_arm_terminal_restore(void) {
    if (tcgetattr(STDIN_FILENO, cnc_saved_termios()) != 0) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = cnc_restore_signal_handler;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof(cnc_restore_signals) / sizeof(cnc_restore_signals[0]); i++) {
        sigaction(cnc_restore_signals[i], &action, &cnc_previous_actions()[cnc_restore_signals[i]]);
    }
    static int registered = 0;
    if (!registered) { atexit(cnc_restore_at_exit); registered = 1; }
    *cnc_restore_armed() = 1;
    return 1;
}

/* Puts the previous signal actions back after a normal endwin. */
static inline void cnc_disarm_terminal_restore(void) {
    *cnc_restore_armed() = 0;
    for (size_t i = 0; i < sizeof(cnc_restore_signals) / sizeof(cnc_restore_signals[0]); i++) {
        sigaction(cnc_restore_signals[i], &cnc_previous_actions()[cnc_restore_signals[i]], NULL);
    }
}
#endif
