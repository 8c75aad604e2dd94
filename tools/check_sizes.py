#!/usr/bin/env python3
"""Lists the C++ source files over the size limits of the project's style (issue 11): files over
800 lines and functions over 150 lines, in src/, include/ and python/src/.

A function is a brace block opened at namespace or class level (or at file level) by a header that
has a parameter list; lambdas and blocks inside functions count towards their function. Tables are
aside: a function whose lines are mostly in statements that are entries of a table (brace-enclosed entries,
`table.add(...)`, pybind11's `m.def(...)` / `.def(...)` / `def_*(m, ...)` / `py::class_`) is listed
separately, not as an offender.

Usage: tools/check_sizes.py [--max-file N] [--max-function N] [--strict] [root]
--strict exits with status 1 when anything is over (for CI); the default only prints.
"""
import argparse
import os
import re
import sys

FOLDERS = ('src', 'include', 'python/src')
EXTENSIONS = ('.h', '.hpp', '.cpp', '.cc', '.cu', '.cuh')


def strip_code(text):
    """The text with comments, string and character literals blanked (newlines kept), so that
    braces and parentheses in them do not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if text.startswith('//', i):
            j = text.find('\n', i)
            i = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif ch == 'R' and text.startswith('R"', i) and (i == 0 or not text[i - 1].isalnum()):
            k = text.find('(', i + 2)
            delimiter = ')' + text[i + 2:k] + '"'
            j = text.find(delimiter, k)
            j = n if j < 0 else j + len(delimiter)
            out.append('""' + re.sub(r'[^\n]', ' ', text[i + 2:j]))
            i = j
        elif ch in '"\'':
            if ch == "'" and i > 0 and text[i - 1].isalnum():  # a digit separator: 1'000
                out.append(ch)
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != ch and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(ch + ' ' * (j - i - 1) + ch)
            i = j + 1
        else:
            out.append(ch)
            i += 1
    return ''.join(out)


def without_preprocessor(code):
    return '\n'.join('' if line.lstrip().startswith('#') else line for line in code.split('\n'))


NOT_A_FUNCTION = re.compile(r'\b(namespace|class|struct|union|enum)\b[^()]*$|=\s*$|\bextern\s*$')
TABLE_ENTRY = re.compile(r'(\{|table\.add\(|\w*\.def(_\w+)?\(|def_\w+\(|py::class_|py::enum_|'
                         r'bind_\w+\(|\.value\(|\w+\.attr\()')


def functions(code):
    """(name, first line, line count) of each function block in the stripped code."""
    found = []
    stack = []  # per open brace: 'scope' (namespace, class, extern, file) or 'function' or 'block'
    line = 1
    header = []
    starts = []
    for ch in code:
        if ch == '\n':
            line += 1
        if ch == '{':
            text = ''.join(header).strip()
            in_function = any(kind != 'scope' for kind in stack)
            if in_function:
                kind = 'block'
            elif '(' in text and not NOT_A_FUNCTION.search(text.split('(')[0] + ' '):
                kind = 'function'
            elif re.search(r'\b(namespace|class|struct|union)\b|extern\s*$', text):
                kind = 'scope'
            else:
                kind = 'block'  # an initializer list, an enum's braces
            stack.append(kind)
            starts.append((line, text))
            header = []
        elif ch == '}':
            kind = stack.pop() if stack else 'scope'
            first, text = starts.pop() if starts else (line, '')
            if kind == 'function':
                name = re.findall(r'([~\w:<>]+)\s*\(', text)
                found.append((name[0] if name else text[:40], first, line - first + 1))
            header = []
        elif ch == ';':
            header = []
        else:
            header.append(ch)
    return found


TABLE_START = re.compile(r'=\s*\{$')  # a braced initializer: static const std::map<...> t = {


def is_table(body_lines):
    """Most of the body's lines belong to statements that are table entries (a statement runs
    from a line at the body's own indentation to the next such line)."""
    code = [text for text in body_lines if text.strip() and not text.strip().startswith('//')]
    if not code:
        return False
    indent = min(len(text) - len(text.lstrip()) for text in code)
    in_table, total, current = 0, 0, False
    for text in code:
        if len(text) - len(text.lstrip()) == indent and not text.strip().startswith(('}', ')', '.')):
            current = bool(TABLE_ENTRY.match(text.strip()) or TABLE_START.search(text))
        total += 1
        in_table += current
    return in_table >= 0.8 * total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('root', nargs='?', default=os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    parser.add_argument('--max-file', type=int, default=800)
    parser.add_argument('--max-function', type=int, default=150)
    parser.add_argument('--strict', action='store_true')
    args = parser.parse_args()
    big_files, big_functions, tables = [], [], []
    for folder in FOLDERS:
        for directory, _, names in os.walk(os.path.join(args.root, folder)):
            for name in sorted(names):
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.join(directory, name)
                relative = os.path.relpath(path, args.root)
                with open(path, encoding='utf-8', errors='replace') as f:
                    text = f.read()
                lines = text.count('\n')
                if lines > args.max_file:
                    big_files.append((lines, relative))
                source_lines = text.split('\n')
                for function, first, count in functions(without_preprocessor(strip_code(text))):
                    if count <= args.max_function:
                        continue
                    where = (count, f'{relative}:{first}', function)
                    body = source_lines[first:first + count - 2]
                    (tables if is_table(body) else big_functions).append(where)
    print(f'files over {args.max_file} lines: {len(big_files)}')
    for lines, path in sorted(big_files, reverse=True):
        print(f'  {lines:5d}  {path}')
    print(f'functions over {args.max_function} lines: {len(big_functions)}')
    for count, where, name in sorted(big_functions, reverse=True):
        print(f'  {count:5d}  {where}  {name}')
    print(f'tables over {args.max_function} lines (aside): {len(tables)}')
    for count, where, name in sorted(tables, reverse=True):
        print(f'  {count:5d}  {where}  {name}')
    return 1 if args.strict and (big_files or big_functions) else 0


if __name__ == '__main__':
    sys.exit(main())
