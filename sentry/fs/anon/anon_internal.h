/* SPDX-License-Identifier: Apache-2.0 */
/* Declarations shared by the anonymous files: their fdinfo lines. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "sentry/fs/anon/anon.h"

bool is_eventfd_file(const struct file *f);
void eventfd_file_fdinfo(struct file *f, FILE *out);
void timerfd_file_fdinfo(struct file *f, FILE *out);
void signalfd_file_fdinfo(struct file *f, FILE *out);
void epoll_file_fdinfo(struct file *f, FILE *out);
