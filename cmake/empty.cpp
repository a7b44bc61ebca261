// Placeholder translation unit for a module whose sources have not been written yet.
