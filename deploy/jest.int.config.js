module.exports = require('./jest.deploy.js')('int');
