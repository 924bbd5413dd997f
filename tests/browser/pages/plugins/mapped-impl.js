// Plugin "Mapped", loaded through `pluginMap: {mapped: '/pages/plugins/mapped-impl.js'}`.
(function () {
  window.__mappedLoads = (window.__mappedLoads || 0) + 1;
  var oMapped = window.CXBus.registerPlugin('Mapped');
  oMapped.registerCommand('where', function (e) {
    e.deferred.resolve('mapped-impl.js');
  });
  oMapped.registerCommand('echo', function (e) {
    e.deferred.resolve(e.data);
  });
  oMapped.ready();
})();
