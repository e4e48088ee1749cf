module.exports = require('./jest.deploy.js')('unit');
