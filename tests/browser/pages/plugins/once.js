// A plain script for CXBus.loadFile: counts how often it ran.
window.__onceRuns = (window.__onceRuns || 0) + 1;
