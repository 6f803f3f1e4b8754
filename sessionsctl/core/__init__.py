"""The core library: domain values, pure algorithms and use cases, free of any framework."""
